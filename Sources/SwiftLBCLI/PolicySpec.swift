import SwiftLBCore

/// loxicmd's `create policy` value pairs: `--rate=<Peak>:<Committed>` (Mbit/s),
/// `--block-size=<Excess>:<Committed>` (bytes) and `--target=<ObjectName>:<Attachment>`.
public enum PolicySpec {
    /// Two integers separated by one colon, named `flag` in errors.
    public static func pair(_ text: String, flag: String) throws(CLIError) -> (Int, Int) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = Int(parts[0]), let second = Int(parts[1]) else {
            throw .invalidInput("\(flag) takes two integers separated by ':' (got '\(text)')")
        }
        return (first, second)
    }

    /// The target: the object's name (an interface or LB rule name) and the attachment number.
    /// The name is everything before the last colon.
    public static func target(_ text: String) throws(CLIError) -> PolicyTarget {
        guard let colon = text.lastIndex(of: ":"), let attachment = Int(text[text.index(after: colon)...]),
            colon != text.startIndex
        else {
            throw .invalidInput("--target takes <ObjectName>:<Attachment> (1 port, 2 LB rule), got '\(text)'")
        }
        return PolicyTarget(polObjName: String(text[..<colon]), attachment: attachment)
    }
}
