wrk.headers["Authorization"] = "Bearer " .. os.getenv("STRATUM_TOKEN")
