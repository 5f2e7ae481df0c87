//! A program written against `portone-client` as one spec generates it, to compile against the
//! SDK of another spec: the proof that PortOne's additive changes stay additive for users.
//!
//! Every item is a function of its own, so a compile error points at one item:
//! - a call of every facade method with its required arguments only (`call_<method>`);
//! - every request struct built the documented way: `new` with its required fields (named in
//!   `...Required` when two or more), then every setter (`build_<Struct>`);
//! - every union accessor (`read_<Union>_<method>`);
//! - every stream method of a list operation (`stream_<method>`).
//!
//! Values of named types come in as the function's parameters, so an item depends only on its
//! own API (a call does not break because its body type gained a required field: that is the
//! body's item). An item is *expected to compile* when the other spec's facade has it unchanged
//! (same group path, arguments, setters; same required fields; same accessor); the others are
//! the changes that break facade users.

use std::fmt::Write as _;
use std::ops::Range;

use crate::facade::{Call, FacadeSurface, Stream, Struct};

/// One item of the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The function's name.
    pub name: String,
    /// Its lines in the source (1-based, end exclusive).
    pub lines: Range<usize>,
    /// Whether the other spec's facade has it unchanged.
    pub expected: bool,
    /// What kind of item: `call`, `build`, `read`, `stream`.
    pub kind: &'static str,
}

/// The program and its items.
#[derive(Debug, Clone)]
pub struct UserProgram {
    /// Rust source of a library crate depending on `portone-client` (and `serde_json`).
    pub source: String,
    /// Its items.
    pub items: Vec<Item>,
}

impl UserProgram {
    /// The program for `old`'s facade, its items judged against `new`'s.
    pub fn generate(old: &FacadeSurface, new: &FacadeSurface) -> UserProgram {
        let mut program = Writer::default();
        program.line("#![allow(unused, non_snake_case, clippy::all, deprecated)]");
        program.line("use portone_client::PortOne;");
        for (method, call) in &old.calls {
            program.call_items(method, call, new);
        }
        for (name, s) in &old.structs {
            if s.setters.is_empty() {
                continue; // only the structs requests use are built by users
            }
            program.build_item(name, s, new);
        }
        for (accessor, returns) in &old.accessors {
            program.read_item(accessor, returns, new);
        }
        UserProgram {
            source: program.source,
            items: program.items,
        }
    }

    /// The item whose function holds `line` (1-based).
    pub fn item_at(&self, line: usize) -> Option<&Item> {
        self.items.iter().find(|i| i.lines.contains(&line))
    }
}

/// The parameters and arguments of a stream call: path parameters as literals, the body (taken
/// by value) as a parameter.
fn stream_arguments(call: &Call) -> (Vec<String>, Vec<String>) {
    let mut params = vec!["portone: &PortOne".to_owned()];
    let mut args = Vec::new();
    for (i, (_, ty)) in call.arguments.iter().enumerate() {
        let by_value = if ty == "&str" {
            ty.as_str()
        } else {
            ty.trim_start_matches('&')
        };
        match literal(by_value) {
            Some(value) => args.push(value),
            None => {
                params.push(format!("p{i}: {by_value}"));
                args.push(format!("p{i}"));
            }
        }
    }
    (params, args)
}

/// A literal of a type users write as one (`"x"`, `1`, `true`), or `None`.
fn literal(ty: &str) -> Option<String> {
    Some(
        match ty {
            "&str" | "String" => "\"x\"",
            "i64" | "i32" | "u64" | "u32" => "1",
            "f64" => "1.0",
            "bool" => "true",
            _ => return None,
        }
        .to_owned(),
    )
}

#[derive(Default)]
struct Writer {
    source: String,
    line: usize,
    items: Vec<Item>,
}

impl Writer {
    fn line(&mut self, text: &str) {
        self.source.push_str(text);
        self.source.push('\n');
        self.line += 1;
    }

    fn item(
        &mut self,
        name: &str,
        kind: &'static str,
        params: &[String],
        body: &[String],
        expected: bool,
    ) {
        let start = self.line + 1;
        let mut signature = String::new();
        let _ = write!(signature, "pub fn {name}({}) {{", params.join(", "));
        self.line(&signature);
        for line in body {
            self.line(&format!("    {line}"));
        }
        self.line("}");
        self.items.push(Item {
            name: name.to_owned(),
            lines: start..self.line + 1,
            expected,
            kind,
        });
    }
}

/// The items of the program, each judged against the other spec's facade `new`.
impl Writer {
    /// The item calling a facade method with its required arguments, and the one calling its
    /// stream method if it has one.
    fn call_items(&mut self, method: &str, call: &Call, new: &FacadeSurface) {
        let expected = new.calls.get(method).is_some_and(|n| {
            new.reachable_at(method, &call.group)
                && n.arguments == call.arguments
                && call.setters.iter().all(|s| n.setters.contains(s))
                && (n.store_id || !call.store_id)
        });
        let mut params = vec!["portone: &PortOne".to_owned()];
        let mut args = Vec::new();
        for (i, (_, ty)) in call.arguments.iter().enumerate() {
            match literal(ty) {
                Some(value) => args.push(value),
                None => {
                    params.push(format!("p{i}: {ty}"));
                    args.push(format!("p{i}"));
                }
            }
        }
        let accessors = group_accessors(call);
        let body = format!(
            "let _ = ::std::future::IntoFuture::into_future(portone{accessors}.{method}({}));",
            args.join(", ")
        );
        self.item(
            &format!("call_{method}"),
            "call",
            &params,
            &[body],
            expected,
        );
        if let Some(stream) = &call.stream {
            let expected = expected
                && new.calls[method]
                    .stream
                    .as_ref()
                    .is_some_and(|n| n == stream);
            self.stream_item(method, call, stream, expected);
        }
    }

    /// The item calling the stream method of a list operation (`expected` as judged by the
    /// caller).
    fn stream_item(&mut self, method: &str, call: &Call, stream: &Stream, expected: bool) {
        // The stream takes the body by value.
        let (params, args) = stream_arguments(call);
        let body = format!(
            "let _ = portone{}.{}({});",
            group_accessors(call),
            stream.method,
            args.join(", ")
        );
        self.item(
            &format!("stream_{method}"),
            "stream",
            &params,
            &[body],
            expected,
        );
    }

    /// The item building a request struct: `new` with its required fields, then every setter.
    fn build_item(&mut self, name: &str, s: &Struct, new: &FacadeSurface) {
        let expected = new.structs.get(name).is_some_and(|n| {
            n.required == s.required && s.setters.iter().all(|f| n.setters.contains(f))
        });
        let mut params = Vec::new();
        let value = |ty: &str, params: &mut Vec<String>| -> String {
            literal(ty).unwrap_or_else(|| {
                let i = params.len();
                params.push(format!("p{i}: {ty}"));
                format!("p{i}")
            })
        };
        let path = format!("portone_client::types::{name}");
        let new_call = match s.required.as_slice() {
            [] => format!("{path}::new()"),
            [(_, ty)] => format!("{path}::new({})", value(ty, &mut params)),
            fields => {
                let named: Vec<String> = fields
                    .iter()
                    .map(|(field, ty)| format!("{field}: {}", value(ty, &mut params)))
                    .collect();
                format!("{path}::new({path}Required {{ {} }})", named.join(", "))
            }
        };
        let setters: String = s
            .setters
            .iter()
            .map(|(field, ty)| format!(".{field}({})", value(ty, &mut params)))
            .collect();
        let body = format!("let _ = {new_call}{setters};");
        self.item(
            &format!("build_{name}"),
            "build",
            &params,
            &[body],
            expected,
        );
    }

    /// The item reading a union through its accessor `(union, method)`.
    fn read_item(&mut self, accessor: &(String, String), returns: &str, new: &FacadeSurface) {
        let (union, method) = accessor;
        let expected = new.accessors.get(accessor).is_some_and(|r| r == returns);
        let params = [format!("value: &portone_client::types::{union}")];
        let body = format!("let _ = value.{method}();");
        self.item(
            &format!("read_{union}_{method}"),
            "read",
            &params,
            &[body],
            expected,
        );
    }
}

/// The group accessors leading to a call from `PortOne` (`.payment().billing_key()`).
fn group_accessors(call: &Call) -> String {
    call.group.iter().map(|g| format!(".{g}()")).collect()
}
