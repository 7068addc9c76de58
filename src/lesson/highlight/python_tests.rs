use proptest::prelude::*;

use super::{Kind, tokenize};

/// The tokens of `code` as (kind, text), checking they cover it exactly.
fn pieces(code: &str) -> Vec<(Kind, &str)> {
    let mut start = 0;
    let mut out = Vec::new();
    for (kind, end) in tokenize(code) {
        assert!(end > start, "an empty or backward token in {code:?}");
        out.push((kind, &code[start..end]));
        start = end;
    }
    assert_eq!(start, code.len(), "the tokens cover {code:?}");
    out
}

/// The text of every token of `kind`.
fn of(code: &str, kind: Kind) -> Vec<&str> {
    pieces(code)
        .into_iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, t)| t)
        .collect()
}

#[test]
fn keywords_constants_and_plain_names() {
    let code = "if x is not None and y in z: return True";
    assert_eq!(
        of(code, Kind::Keyword),
        ["if", "is", "not", "and", "in", "return"]
    );
    assert_eq!(of(code, Kind::Constant), ["None", "True"]);
    assert_eq!(of("iffy = classy", Kind::Keyword), Vec::<&str>::new());
}

#[test]
fn builtins_and_self() {
    let code = "print(len(self.items), cls, ValueError, printer)";
    assert_eq!(of(code, Kind::Builtin), ["print", "len", "ValueError"]);
    assert_eq!(of(code, Kind::SelfName), ["self", "cls"]);
}

#[test]
fn names_defined_by_def_and_class() {
    let code = "class Pool:\n    def map(self, f):\n        pass";
    assert_eq!(of(code, Kind::Class), ["Pool"]);
    assert_eq!(of(code, Kind::Function), ["map"]);
    assert_eq!(of("async def go(): ...", Kind::Function), ["go"]);
}

#[test]
fn strings_with_prefixes_escapes_and_triple_quotes() {
    assert_eq!(
        of(r#"x = "a\"b" + 'c'"#, Kind::String),
        [r#""a\"b""#, "'c'"]
    );
    assert_eq!(
        of("b'\\x00' rb\"\\d\" U'u'", Kind::String),
        ["b'\\x00'", "rb\"\\d\"", "U'u'"]
    );
    let doc = "def f():\n    \"\"\"One.\n\n    'Two' \"three\".\"\"\"\n    return 1";
    assert_eq!(
        of(doc, Kind::String),
        ["\"\"\"One.\n\n    'Two' \"three\".\"\"\""]
    );
    assert_eq!(of(doc, Kind::Number), ["1"]);
    // Unterminated: a one-line string ends with its line, a triple-quoted
    // one with the text.
    assert_eq!(of("x = 'open\ny = 2", Kind::String), ["'open"]);
    assert_eq!(of("x = '''open\ny = 2", Kind::String), ["'''open\ny = 2"]);
    // A name before a quote is a prefix only when it is one.
    assert_eq!(of("name'x'", Kind::String), ["'x'"]);
}

#[test]
fn f_string_fields_are_code() {
    let code = r#"f"{n} squares: {sum(x * x for x in xs)!r:>{width}} {{literal}}""#;
    let tokens = pieces(code);
    assert_eq!(tokens[0], (Kind::String, "f\""));
    assert_eq!(tokens[1], (Kind::Field, "{"));
    assert!(tokens.contains(&(Kind::Builtin, "sum")));
    assert!(tokens.contains(&(Kind::Keyword, "for")));
    assert!(tokens.contains(&(Kind::Field, "!r:")));
    assert!(tokens.contains(&(Kind::String, ">")));
    assert!(tokens.contains(&(Kind::String, " {{literal}}\"")));
    // Python 3.12: the same quotes inside a field, and fields nested.
    let nested = r#"f"{", ".join(f'{n:{w}}' for n in ns)}" + x"#;
    let tokens = pieces(nested);
    assert!(tokens.contains(&(Kind::String, "\", \"")));
    assert!(tokens.contains(&(Kind::Keyword, "for")));
    assert_eq!(tokens.last(), Some(&(Kind::Plain, " + x")));
    // A comparison is not a conversion; a t-string has fields too.
    assert!(of("f'{a != b}'", Kind::Field) == ["{", "}"]);
    assert_eq!(of("t'{x}'", Kind::Field), ["{", "}"]);
    // Not an f-string: braces are text.
    assert_eq!(of("'{x}'", Kind::String), ["'{x}'"]);
}

#[test]
fn an_unclosed_field_ends_with_its_line() {
    let code = "f'{x\ny = 1";
    assert_eq!(of(code, Kind::Number), ["1"]);
}

#[test]
fn comments_end_at_the_line() {
    let code = "x = 1  # one 'quote\n# two\ny = '#not'";
    assert_eq!(of(code, Kind::Comment), ["# one 'quote", "# two"]);
    assert_eq!(of(code, Kind::String), ["'#not'"]);
}

#[test]
fn numbers_in_every_form() {
    let code = "a = [0, 42, 1_000, 3.14, .5, 1e-3, 2E+10, 0xFF, 0b101, 0o17, 2j, 1.5e3j]";
    assert_eq!(
        of(code, Kind::Number),
        [
            "0", "42", "1_000", "3.14", ".5", "1e-3", "2E+10", "0xFF", "0b101", "0o17", "2j",
            "1.5e3j"
        ]
    );
    assert_eq!(of("x1 = y.real", Kind::Number), Vec::<&str>::new());
    assert_eq!(
        of("0xe-1", Kind::Number),
        ["0xe", "1"],
        "no exponent in hex"
    );
}

#[test]
fn decorators_start_a_line_and_at_elsewhere_is_an_operator() {
    let code = "@functools.lru_cache\n  @dataclass\ndef f(a, b):\n    return a @ b";
    assert_eq!(
        of(code, Kind::Decorator),
        ["@functools.lru_cache", "@dataclass"]
    );
}

#[test]
fn deep_f_strings_stay_shallow() {
    let deep = format!("{}x{}", "f'{".repeat(10_000), "}'".repeat(10_000));
    pieces(&deep);
    let wide = "f'{".repeat(100_000);
    pieces(&wide);
}

#[test]
fn unicode_names_and_text() {
    let code = "größe = 'ünï'  # ☃\nπ = 3";
    assert_eq!(of(code, Kind::String), ["'ünï'"]);
    assert_eq!(of(code, Kind::Number), ["3"]);
}

proptest! {
    #[test]
    fn any_text_is_cut_exactly(code in any::<String>()) {
        pieces(&code);
    }

    #[test]
    fn python_like_text_is_cut_exactly(
        code in proptest::collection::vec(
            prop_oneof![
                Just("f'"), Just("f\""), Just("'''"), Just("\"\"\""), Just("{"), Just("}"),
                Just("!r"), Just(":"), Just("\\"), Just("\n"), Just("#"), Just("@"),
                Just("rb'"), Just("def "), Just("class "), Just("1e"), Just("-"), Just("."),
                Just("x"), Just(" "), Just("é"), Just("\r"), Just("("), Just(")"),
            ],
            0..64,
        ).prop_map(|parts| parts.concat())
    ) {
        pieces(&code);
    }
}
