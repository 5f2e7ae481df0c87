//! How much of what the spec documents reaches the generated docs: struct fields, types, enum
//! values, union cases, operation parameters, and the facade methods' `# Errors` sections
//! (every case of the operation's error enum with its HTTP status).
//!
//! Each figure is "documented / documentable": an item counts as documentable when the spec has
//! words for it (its own, or for a field, those of the schema it refers to).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use portone_openapi::codegen::{self, Generated};
use portone_openapi::{Normalized, docs};
use serde_json::{Map, Value};

/// One line of the coverage table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// What is counted.
    pub what: &'static str,
    /// Items with docs among those the spec documents.
    pub documented: usize,
    /// Items the spec documents.
    pub documentable: usize,
    /// All items (with or without words in the spec).
    pub total: usize,
}

impl Figure {
    /// Whether everything the spec documents is documented.
    pub fn complete(&self) -> bool {
        self.documented == self.documentable
    }
}

/// The coverage of one spec's generated code.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// One figure per kind of item.
    pub figures: Vec<Figure>,
}

impl Coverage {
    /// Counts the docs of `generated` (which must come from `normalized`).
    pub fn measure(normalized: &Normalized, generated: &Generated) -> Result<Coverage, String> {
        let schemas = normalized.spec["components"]["schemas"]
            .as_object()
            .ok_or("the spec has no component schemas")?;
        let mut figures = struct_figures(schemas, generated).to_vec();
        figures.extend(open_type_figures(normalized, schemas, generated));
        figures.extend(operation_figures(normalized, schemas, generated)?);
        Ok(Coverage { figures })
    }

    /// Whether every figure is complete.
    pub fn complete(&self) -> bool {
        self.figures.iter().all(Figure::complete)
    }
}

/// Structs and their fields.
fn struct_figures(schemas: &Map<String, Value>, generated: &Generated) -> [Figure; 2] {
    let mut structs = Figure::new("structs");
    let mut fields = Figure::new("struct fields");
    let by_rust_name: BTreeMap<String, (&str, &Value)> = schemas
        .iter()
        .map(|(name, schema)| {
            (
                portone_openapi::rust_type_name(name),
                (name.as_str(), schema),
            )
        })
        .collect();
    for item in generated.types() {
        let syn::Item::Struct(s) = item else { continue };
        let Some(&(name, schema)) = by_rust_name.get(&s.ident.to_string()) else {
            continue;
        };
        structs.count(docs::schema_text(name, schema).is_some(), has_doc(&s.attrs));
        let syn::Fields::Named(named) = &s.fields else {
            continue;
        };
        for field in &named.named {
            let wire = codegen::wire_name(field);
            let words = schema["properties"]
                .get(&wire)
                .and_then(|p| docs::property(schemas, p));
            fields.count(words.is_some(), has_doc(&field.attrs));
        }
    }
    [structs, fields]
}

/// Enums, their values, unions, their cases. They are `open_enum!` / `open_union!`
/// invocations: one `#[doc]` per type, value and case.
fn open_type_figures(
    normalized: &Normalized,
    schemas: &Map<String, Value>,
    generated: &Generated,
) -> [Figure; 4] {
    let documented = documented_open_types(generated);
    let mut enums = Figure::new("enums");
    let mut values = Figure::new("enum values");
    for e in &normalized.model.enums {
        enums.count(
            docs::schema_text(&e.name, &schemas[&e.name]).is_some(),
            documented.has_type_doc(&e.rust_name),
        );
        for v in &e.values {
            let words = docs::enum_value(&schemas[&e.name], &v.value);
            values.count(words.is_some(), documented.has(&e.rust_name, &v.variant));
        }
    }
    // An operation's error type is documented with its operations and statuses.
    let error_types: BTreeSet<&String> = normalized
        .model
        .operations
        .iter()
        .filter_map(|op| op.error_schema.as_ref())
        .collect();
    let mut unions = Figure::new("unions");
    let mut cases = Figure::new("union cases");
    for u in &normalized.model.unions {
        unions.count(
            docs::schema_text(&u.name, &schemas[&u.name]).is_some()
                || error_types.contains(&u.name),
            documented.has_type_doc(&u.rust_name),
        );
        for c in &u.cases {
            let words = schemas
                .get(&c.member)
                .and_then(|m| docs::schema_text(&c.member, m));
            cases.count(words.is_some(), documented.has(&u.rust_name, &c.variant));
        }
    }
    [enums, values, unions, cases]
}

/// Parameters, `# Errors` sections and their rows, in the facade methods' docs.
fn operation_figures(
    normalized: &Normalized,
    schemas: &Map<String, Value>,
    generated: &Generated,
) -> Result<[Figure; 3], String> {
    let mut params = Figure::new("operation parameters");
    let mut methods = Figure::new("facade methods with an Errors section");
    let mut error_cases = Figure::new("error variants with an HTTP status");
    for call in generated.calls(&normalized.model)? {
        let doc = codegen::method_doc(normalized, &call);
        let op = &call.operation;
        let raw = &normalized.spec["paths"][&op.path][op.method.as_str().to_ascii_lowercase()];
        for param in raw["parameters"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap_or_default();
            let words = docs::text(param);
            let first = words
                .as_deref()
                .and_then(|w| w.lines().next())
                .unwrap_or("");
            let shown = doc.lines().any(|line| {
                line.starts_with("- `")
                    && line.contains(&format!("(`{name}`"))
                    && line.contains(first)
            });
            params.count(words.is_some(), shown);
        }
        let union = op
            .error_schema
            .as_deref()
            .and_then(|name| normalized.model.unions.iter().find(|u| u.name == name));
        let errors_section = doc.split("\n# Errors\n").nth(1).unwrap_or_default();
        methods.count(
            union.is_some(),
            union.is_some() && errors_section.contains("| Variant |"),
        );
        for case in union.map(|u| u.cases.as_slice()).unwrap_or_default() {
            let status = schemas
                .get(&case.member)
                .and_then(|m| m.get("x-portone-status-code"))
                .and_then(Value::as_u64);
            let row = status.map(|s| format!("::{}) | {s} |", case.variant));
            error_cases.count(
                status.is_some(),
                row.is_some_and(|r| errors_section.contains(&r)),
            );
        }
    }
    Ok([params, methods, error_cases])
}

impl Figure {
    fn new(what: &'static str) -> Figure {
        Figure {
            what,
            documented: 0,
            documentable: 0,
            total: 0,
        }
    }

    fn count(&mut self, documentable: bool, documented: bool) {
        self.total += 1;
        if documentable {
            self.documentable += 1;
            if documented {
                self.documented += 1;
            }
        }
    }
}

impl fmt::Display for Coverage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "| item | documented / the spec documents | of all |")?;
        writeln!(f, "|---|---:|---:|")?;
        for figure in &self.figures {
            let percent = if figure.documentable == 0 {
                100.0
            } else {
                100.0 * figure.documented as f64 / figure.documentable as f64
            };
            writeln!(
                f,
                "| {} | {} / {} ({percent:.1}%) | {} |",
                figure.what, figure.documented, figure.documentable, figure.total
            )?;
        }
        Ok(())
    }
}

fn has_doc(attrs: &[syn::Attribute]) -> bool {
    codegen::doc_of(attrs).is_some()
}

/// The `open_enum!` / `open_union!` invocations of the generated code, by type name, as token
/// text (`#[doc = ".."] Name { #[doc = ".."] Variant = "VALUE", .. }`).
struct OpenTypes(BTreeMap<String, String>);

fn documented_open_types(generated: &Generated) -> OpenTypes {
    let mut out = BTreeMap::new();
    for item in &generated.open_types.items {
        let syn::Item::Macro(m) = item else { continue };
        let name = m
            .mac
            .tokens
            .clone()
            .into_iter()
            .find_map(|tree| match tree {
                proc_macro2::TokenTree::Ident(ident) => Some(ident.to_string()),
                _ => None,
            });
        if let Some(name) = name {
            out.insert(name, m.mac.tokens.to_string());
        }
    }
    OpenTypes(out)
}

impl OpenTypes {
    /// Whether the type's invocation starts with a `#[doc]`.
    fn has_type_doc(&self, name: &str) -> bool {
        self.0
            .get(name)
            .is_some_and(|tokens| tokens.starts_with("# [doc ="))
    }

    /// Whether `variant` of the type has a `#[doc]` of its own (a doc attribute right before).
    fn has(&self, name: &str, variant: &str) -> bool {
        self.0.get(name).is_some_and(|tokens| {
            tokens.contains(&format!("\"] {variant} ="))
                || tokens.contains(&format!("\"] {variant} ("))
        })
    }
}
