//! A small Python tokenizer, just enough to colour the course's code:
//! keywords, builtins, strings (prefixes, triple quotes, f-string fields),
//! comments, numbers, decorators and the names `def` and `class` define.
//! It never fails: any text is cut into tokens that cover it exactly, one
//! pass, with recursion only into f-string fields (bounded by
//! [`MAX_NESTING`]), so hostile lessons cost time and stack in proportion
//! to their size.

/// What a token is, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Names, operators, spaces: the code's own colour.
    Plain,
    Keyword,
    /// `True`, `False`, `None`, `...`'s names.
    Constant,
    Builtin,
    /// `self` and `cls`.
    SelfName,
    String,
    /// The braces of an f-string's (or t-string's) replacement field.
    Field,
    Comment,
    Number,
    Decorator,
    /// The name after `def`.
    Function,
    /// The name after `class`.
    Class,
}

/// F-strings nested deeper than this inside fields are coloured as plain
/// strings: the recursion stays shallow whatever the input.
const MAX_NESTING: usize = 4;

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const CONSTANTS: &[&str] = &["True", "False", "None", "NotImplemented", "Ellipsis"];

const BUILTINS: &[&str] = &[
    "__import__",
    "__name__",
    "__file__",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    // The exceptions the course's code raises and catches.
    "BaseException",
    "Exception",
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BrokenPipeError",
    "ChildProcessError",
    "ConnectionError",
    "EOFError",
    "FileNotFoundError",
    "ImportError",
    "IndexError",
    "KeyError",
    "KeyboardInterrupt",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "RuntimeError",
    "StopIteration",
    "SyntaxError",
    "SystemExit",
    "TimeoutError",
    "TypeError",
    "ValueError",
    "ZeroDivisionError",
];

/// Cuts `code` into tokens: each a kind and the byte offset where it ends.
/// The tokens cover the text exactly, in order, and neighbours differ in
/// kind; every end is a character boundary.
pub fn tokenize(code: &str) -> Vec<(Kind, usize)> {
    let mut lexer = Lexer {
        src: code,
        pos: 0,
        marked: 0,
        out: Vec::new(),
        line_start: true,
        next_name: None,
    };
    lexer.code(None, 0);
    lexer.mark(Kind::Plain);
    lexer.out
}

/// Where a stretch of code ends: at the end of the text, or (inside an
/// f-string's field) at its closing brace, its format spec, or the end of
/// the line when the string is on one line.
#[derive(Clone, Copy)]
struct Field {
    one_line: bool,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    /// Everything before this is in `out`.
    marked: usize,
    out: Vec<(Kind, usize)>,
    /// Only spaces so far on this line (a `@` here is a decorator).
    line_start: bool,
    /// The kind of the next name (after `def` or `class`).
    next_name: Option<Kind>,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) {
        if let Some(c) = self.peek() {
            self.pos += c.len_utf8();
        }
    }

    /// Everything from the last mark to here is one token of `kind`.
    fn mark(&mut self, kind: Kind) {
        if self.pos == self.marked {
            return;
        }
        match self.out.last_mut() {
            Some((last, end)) if *last == kind => *end = self.pos,
            _ => self.out.push((kind, self.pos)),
        }
        self.marked = self.pos;
    }

    /// Code up to the end, or to the end of `field` (not consumed).
    fn code(&mut self, field: Option<Field>, nesting: usize) {
        let mut brackets = 0usize;
        while let Some(c) = self.peek() {
            let in_field = field.filter(|_| brackets == 0);
            match c {
                '}' | ':' if in_field.is_some() => return,
                '!' if in_field.is_some() && !self.rest().starts_with("!=") => return,
                '\n' if field.is_some_and(|f| f.one_line) => return,
                '\n' => {
                    self.bump();
                    self.line_start = true;
                    continue;
                }
                '#' => self.comment(),
                '"' | '\'' => self.string(nesting),
                '@' if self.line_start => self.decorator(),
                c if c.is_ascii_digit() => self.number(),
                '.' if self.rest()[1..].starts_with(|d: char| d.is_ascii_digit()) => self.number(),
                c if c == '_' || c.is_alphabetic() => self.name(nesting),
                '(' | '[' | '{' => {
                    brackets += 1;
                    self.bump();
                }
                ')' | ']' | '}' => {
                    brackets = brackets.saturating_sub(1);
                    self.bump();
                }
                _ => self.bump(),
            }
            if !c.is_whitespace() {
                self.line_start = false;
            }
        }
    }

    fn comment(&mut self) {
        self.mark(Kind::Plain);
        let end = self.rest().find('\n').unwrap_or(self.rest().len());
        self.pos += end;
        self.mark(Kind::Comment);
    }

    fn decorator(&mut self) {
        self.mark(Kind::Plain);
        self.bump();
        while self
            .peek()
            .is_some_and(|c| c == '_' || c == '.' || c.is_alphanumeric())
        {
            self.bump();
        }
        self.mark(Kind::Decorator);
    }

    fn number(&mut self) {
        self.mark(Kind::Plain);
        let hex = self.rest().starts_with("0x") || self.rest().starts_with("0X");
        while let Some(c) = self.peek() {
            if c == '_' || c == '.' || c.is_ascii_alphanumeric() {
                self.bump();
                if !hex && matches!(c, 'e' | 'E') && self.rest().starts_with(['+', '-']) {
                    self.bump();
                }
            } else {
                break;
            }
        }
        self.mark(Kind::Number);
    }

    /// A name: a keyword, a builtin, a defined name, or a string's prefix.
    fn name(&mut self, nesting: usize) {
        self.mark(Kind::Plain);
        let start = self.pos;
        while self.peek().is_some_and(|c| c == '_' || c.is_alphanumeric()) {
            self.bump();
        }
        let word = &self.src[start..self.pos];
        if self.rest().starts_with(['"', '\'']) && is_prefix(word) {
            self.pos = start;
            return self.string(nesting);
        }
        let kind = if let Some(kind) = self.next_name.take() {
            kind
        } else if KEYWORDS.contains(&word) {
            self.next_name = match word {
                "def" => Some(Kind::Function),
                "class" => Some(Kind::Class),
                _ => None,
            };
            Kind::Keyword
        } else if CONSTANTS.contains(&word) {
            Kind::Constant
        } else if BUILTINS.contains(&word) {
            Kind::Builtin
        } else if word == "self" || word == "cls" {
            Kind::SelfName
        } else {
            Kind::Plain
        };
        self.mark(kind);
    }

    /// A string from its prefix (if any) to its closing quotes, or to the
    /// end of its line (of the text, for triple quotes) when it has none.
    fn string(&mut self, nesting: usize) {
        self.mark(Kind::Plain);
        let prefix_len = self.rest().find(['"', '\'']).unwrap_or(0);
        let prefix = self.rest()[..prefix_len].to_ascii_lowercase();
        let formatted = (prefix.contains('f') || prefix.contains('t')) && nesting < MAX_NESTING;
        self.pos += prefix_len;
        let quote = &self.rest()[..1];
        let triple = quote.repeat(3);
        let close = if self.rest().starts_with(&triple) {
            triple
        } else {
            quote.to_string()
        };
        self.pos += close.len();
        let one_line = close.len() == 1;
        loop {
            let rest = self.rest();
            if rest.is_empty() || (one_line && rest.starts_with('\n')) {
                break;
            }
            if rest.starts_with(&close) {
                self.pos += close.len();
                break;
            }
            if rest.starts_with('\\') {
                self.bump();
                self.bump();
            } else if formatted && (rest.starts_with("{{") || rest.starts_with("}}")) {
                self.pos += 2;
            } else if formatted && rest.starts_with('{') {
                self.mark(Kind::String);
                self.field(one_line, nesting + 1);
            } else {
                self.bump();
            }
        }
        self.mark(Kind::String);
    }

    /// An f-string's replacement field, from `{` to `}`: code, then a
    /// conversion and a format spec that may hold fields of its own.
    fn field(&mut self, one_line: bool, nesting: usize) {
        self.bump();
        self.mark(Kind::Field);
        self.code(Some(Field { one_line }), nesting);
        self.mark(Kind::Plain);
        if self.rest().starts_with('!') {
            self.bump();
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.bump();
            }
            self.mark(Kind::Field);
        }
        if self.rest().starts_with(':') {
            self.bump();
            self.mark(Kind::Field);
            while let Some(c) = self.peek() {
                match c {
                    '}' => break,
                    '\n' if one_line => break,
                    '{' if nesting < MAX_NESTING => {
                        self.mark(Kind::String);
                        self.field(one_line, nesting + 1);
                    }
                    _ => self.bump(),
                }
            }
            self.mark(Kind::String);
        }
        if self.rest().starts_with('}') {
            self.bump();
            self.mark(Kind::Field);
        }
    }
}

/// Whether `word` can stand before a quote as a string's prefix (`r`,
/// `b`, `u`, `f`, `t` and their pairs, in any case).
fn is_prefix(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "r" | "b" | "u" | "f" | "t" | "rb" | "br" | "fr" | "rf" | "tr" | "rt"
    )
}

#[cfg(test)]
#[path = "python_tests.rs"]
mod tests;
