import Foundation
import StratumCLI

// Before the first task: from here on Swift concurrency runs on the event loops (StratumServer.runTasksOnEventLoops).
StratumCommand.prepareProcess()
exit(await StratumCommand.run(Array(CommandLine.arguments.dropFirst())))
