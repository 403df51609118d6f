import Hummingbird
import Testing

@testable import SwiftLBAPI

/// `AuthMiddleware.trimmedSpaces` trims printable ASCII on bytes; it must give what trimming
/// Characters gives, for any text.
@Suite struct TrimmedSpacesTests {
    static func reference(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) })
        else { return "" }
        return String(text[first...last])
    }

    @Test(arguments: [
        "", " ", "\t \t", "Bearer abc", "  abc  ", "\tabc\t", "a b", " a\tb ", "abc\r\n", " abc \r\n ",
        " café ", " \u{301}abc ", "x\u{7F} ", " \u{0}a ", "application/json; charset=utf-8",
    ])
    func sameAsCharacters(text: String) {
        #expect(AuthMiddleware<BasicRequestContext>.trimmedSpaces(text) == Self.reference(text))
        let padded = "xx" + text + "yy"
        let inner = padded.dropFirst(2).dropLast(2)
        #expect(AuthMiddleware<BasicRequestContext>.trimmedSpaces(inner) == Self.reference(text))
    }
}
