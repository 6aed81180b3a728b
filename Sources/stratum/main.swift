import Foundation
import StratumCLI

exit(await StratumCommand.run(Array(CommandLine.arguments.dropFirst())))
