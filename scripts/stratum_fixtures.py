"""Shared by scripts/crash-test and bench/api: a tiny JSON client for a running Stratum server, and the fixture
both need, an accepted course on which sessions can be recorded again and again.

Standard library only. Repeated sessions on one course pass the clinical checks because they are shallow
(0.3 mm: INT-MIN allows same-day sessions at 0.3 mm or less) and every caution the server names is acknowledged
with a reason, as a practitioner would.
"""
import datetime
import json
import urllib.error
import urllib.request


class Refused(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


def request(port, method, path, body=None, token=None, timeout=5):
    """Returns (status, parsed body). HTTP errors are returned, not raised, so callers can read problem documents."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, _parse(resp)
    except urllib.error.HTTPError as err:
        return err.code, _parse(err)


def _parse(resp):
    raw = resp.read()
    is_json = "json" in (resp.headers.get("content-type") or "")
    return json.loads(raw) if is_json and raw else raw.decode(errors="replace")


def expect(status, body, wanted):
    if status != wanted:
        raise Refused(status, body)
    return body


def sign_in(port, email, password):
    """A bearer token and the first clinic of the user."""
    body = expect(*request(port, "POST", "/api/v1/auth/tokens", {"email": email, "password": password}), 201)
    return body["token"], body["memberships"][0]["clinicId"]


SCREENING_KEYS_ALL_NO = [
    "activeInfectionInArea", "openWoundInArea", "skinCancerOrChangingLesionInArea", "activeAcneInArea",
    "isotretinoinCurrent", "pregnantOrBreastfeeding", "bleedingDisorder", "stainlessSteelAllergy",
    "anaestheticAllergy", "sunburnInArea", "anticoagulants", "keloidHistory", "herpesHistory", "immunosuppressed",
    "poorlyControlledDiabetes", "autoimmuneSkinDisease", "recentTanning", "retinoidOrAcidLast2Days", "metalAllergy",
    "topicalAllergy",
]
SCREENING_KEYS_DATES = ["isotretinoinLastDose", "radiotherapyToArea", "surgeryOrTraumaInArea", "deepPeelOrDermabrasion"]

ZONES = [{"site": "cheek", "side": "left"}, {"site": "cheek", "side": "right"}]


FIXTURE_GTIN = "09506000134352"
FIXTURE_LOT = "FIXTURE-1"


PART = {"gtin": FIXTURE_GTIN, "lot": FIXTURE_LOT}


def ensure_stock(port, token):
    """Names a lot of cartridges in stock for the fixture's sessions: the clinic's own available lot with parts
    left when there is one (the demo has), else the fixture lot, received now (no printed serial, counted)."""
    lots = expect(*request(port, "GET", "/api/v1/lots", token=token), 200)["items"]
    today = datetime.date.today().isoformat()
    usable = [l for l in lots if l["status"] == "available" and l["expiry"] > today and l["quantity"] - l["used"] > 1000]
    if usable:
        # The roomiest lot: a long load (bench/api) must not empty it halfway.
        roomiest = max(usable, key=lambda l: l["quantity"] - l["used"])
        PART.update(gtin=roomiest["gtin"], lot=roomiest["lot"])
        return
    # This server has no lot of its own yet: the fixture lot, whatever an earlier server's lot was.
    PART.update(gtin=FIXTURE_GTIN, lot=FIXTURE_LOT)
    expect(*request(port, "POST", "/api/v1/lots", {
        "product": "Fixture cartridge", "quantity": 100000, "gtin": FIXTURE_GTIN, "lot": FIXTURE_LOT,
        "expiry": "2030-12-31"}, token=token), 201)


def session_body(date, acknowledgements=(), depth=0.3):
    return {
        "date": date,
        "zones": [dict(z, depthMM=depth, passes=2) for z in ZONES],
        "equipment": {"part": dict(PART)},
        "reactions": ["erythema"],
        "acknowledgements": list(acknowledgements),
    }


def prepared_course(port, token, clinic, given_name, today=None):
    """Creates a patient with a clean screening, a treatment consent and an accepted acne-scars course on both
    cheeks; returns (patient id, course id, a session body the server accepts for `today`)."""
    today = today or datetime.date.today().isoformat()
    ensure_stock(port, token)
    patient = expect(*request(port, "POST", "/api/v1/patients", {
        "clinicId": clinic, "givenName": given_name, "familyName": "Fixture", "birthDate": "1988-04-02",
        "sex": "female", "fitzpatrick": 2,
        # Fixture people share a family name and birth date; each is a different person, as the caller confirms.
        "confirmDuplicate": True}, token=token), 201)
    pid = patient["id"]
    answers = {k: False for k in SCREENING_KEYS_ALL_NO}
    answers.update({k: None for k in SCREENING_KEYS_DATES})
    expect(*request(port, "POST", f"/api/v1/patients/{pid}/screenings", {"answeredOn": today, "answers": answers}, token=token), 201)
    expect(*request(port, "POST", f"/api/v1/patients/{pid}/consents", {
        "kind": "treatment", "textVersion": "2026-11", "signedByName": f"{given_name} Fixture", "confirmed": True}, token=token), 201)
    course = expect(*request(port, "POST", f"/api/v1/patients/{pid}/courses", {
        "indications": ["acne-scars"], "zones": ZONES,
        "device": {"kind": "pen", "minDepthMM": 0.25, "maxDepthMM": 2.5, "needleMaterial": "titanium"},
        "startDate": today}, token=token), 201)
    cid = course["id"]
    expect(*request(port, "POST", f"/api/v1/courses/{cid}/accept", token=token), 200)
    return pid, cid, accepted_session_body(port, token, cid, today)


def accepted_session_body(port, token, course_id, date):
    """A session body for the course that the server records (201): cautions it names are acknowledged. The probe
    records one session, which the caller keeps like any other."""
    body = session_body(date)
    status, answer = request(port, "POST", f"/api/v1/courses/{course_id}/sessions", body, token=token)
    if status == 422 and not any(f.get("severity") == "stop" for f in answer.get("findings", [])):
        rules = sorted({f["rule"] for f in answer["findings"] if f.get("severity") == "caution"})
        body = session_body(date, [{"rule": r, "reason": "Shallow maintenance pass, discussed with the patient."} for r in rules])
        status, answer = request(port, "POST", f"/api/v1/courses/{course_id}/sessions", body, token=token)
    expect(status, answer, 201)
    return body
