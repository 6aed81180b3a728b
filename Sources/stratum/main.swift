import StratumCLI
import Foundation

exit(StratumCommand.run(Array(CommandLine.arguments.dropFirst())))
