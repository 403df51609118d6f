/// A plain-text table in loxicmd's layout (tablewriter with side borders only): upper-case
/// centred headers, a dashed rule, whole numbers right-aligned and other cells left-aligned.
///
///     |  EXT IP  | PORT |
///     |----------|------|
///     | 10.0.0.1 |   80 |
public struct TextTable: Equatable, Sendable {
    /// Column titles.
    public var headers: [String]
    /// Cells, one array per row; short rows are padded with empty cells.
    public var rows: [[String]]

    /// Creates a table.
    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    /// The table as text, one line per row, joined by newlines (no newline at the end).
    public func render() -> String {
        let titles = headers.map { $0.uppercased() }
        let cells = rows.map { row in (0..<titles.count).map { $0 < row.count ? row[$0] : "" } }
        let widths = titles.indices.map { column in
            cells.reduce(titles[column].count) { max($0, $1[column].count) }
        }
        var lines = [line(titles.enumerated().map { centred($1, widths[$0]) })]
        lines.append("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|")
        for row in cells {
            lines.append(line(row.enumerated().map { aligned($1, widths[$0]) }))
        }
        return lines.joined(separator: "\n")
    }

    private func line(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }

    private func centred(_ text: String, _ width: Int) -> String {
        let gap = width - text.count
        return String(repeating: " ", count: gap / 2) + text + String(repeating: " ", count: gap - gap / 2)
    }

    private func aligned(_ text: String, _ width: Int) -> String {
        let padding = String(repeating: " ", count: width - text.count)
        let numeric = !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
        return numeric ? padding + text : text + padding
    }
}
