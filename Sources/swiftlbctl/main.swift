import SwiftLBCLI

// All behaviour lives in SwiftLBCLI so that it can be tested; this only starts it.
await SwiftLBCtl.start()
