//! The spec's own words as Rust documentation: one rule for turning a schema's, a property's,
//! a parameter's or an enum value's `title` and `description` into doc text, used by the
//! generated types, the facade's methods and the documentation coverage count.
//!
//! The text stays as PortOne wrote it (Korean); only characters rustdoc would misread are
//! escaped.

use serde_json::{Map, Value};

/// The doc text of a schema, parameter or enum value: its title, then its description where the
/// description says more (PortOne usually repeats the title as the description's first line).
/// `x-portone-title` / `x-portone-description` stand in where the plain keys are missing.
pub fn text(node: &Value) -> Option<String> {
    let get = |key: &str, fallback: &str| {
        node.get(key)
            .or_else(|| node.get(fallback))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    let title = get("title", "x-portone-title");
    let description = get("description", "x-portone-description");
    let joined = match (title, description) {
        (Some(title), Some(description)) if description.starts_with(title) => {
            description.to_owned()
        }
        (Some(title), Some(description)) => format!("{title}\n\n{description}"),
        (Some(only), None) | (None, Some(only)) => only.to_owned(),
        (None, None) => return None,
    };
    Some(escape(&joined))
}

/// The doc text of the component schema `name`: [`text`], unless that only repeats the name
/// (some schemas are titled with their own name).
pub fn schema_text(name: &str, schema: &Value) -> Option<String> {
    text(schema).filter(|t| t != name)
}

/// The doc text of the property `property` (a schema in `properties`): its own words, or
/// those of the schema it refers to (directly or as the items of an array).
pub fn property(schemas: &Map<String, Value>, property: &Value) -> Option<String> {
    text(property).or_else(|| {
        let target = crate::refs::ref_name(property)
            .or_else(|| crate::refs::ref_name(property.get("items")?))?;
        schema_text(target, schemas.get(target)?)
    })
}

/// The doc text of one value of a string enum schema (`x-portone-enum`).
pub fn enum_value(schema: &Value, value: &str) -> Option<String> {
    text(schema.get("x-portone-enum")?.get(value)?)
}

/// Escapes what rustdoc would read as something else: `[..]` outside code spans would be an
/// (unresolvable) intra-doc link, `<..>` an HTML tag.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '[' | ']' if !in_code => out.push('\\'),
            '<' if !in_code => {
                out.push_str("&lt;");
                continue;
            }
            '>' if !in_code => {
                out.push_str("&gt;");
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_description_that_repeats_the_title_is_used_alone() {
        let node =
            json!({"title": "상점 아이디", "description": "상점 아이디\n\n미입력시 기본 상점"});
        assert_eq!(text(&node).unwrap(), "상점 아이디\n\n미입력시 기본 상점");
    }

    #[test]
    fn a_description_that_says_something_else_follows_the_title() {
        let node = json!({"title": "결제 건 포트원 채번 아이디", "description": "V1 결제 건의 경우 imp_uid"});
        assert_eq!(
            text(&node).unwrap(),
            "결제 건 포트원 채번 아이디\n\nV1 결제 건의 경우 imp_uid"
        );
    }

    #[test]
    fn portone_keys_stand_in_and_blank_text_is_none() {
        assert_eq!(
            text(&json!({"x-portone-title": "제목"})).as_deref(),
            Some("제목")
        );
        assert_eq!(text(&json!({"title": "  "})), None);
        assert_eq!(text(&json!({"type": "string"})), None);
    }

    #[test]
    fn a_property_without_words_borrows_those_of_its_schema() {
        let schemas = json!({"Customer": {"title": "구매자 정보"}});
        let schemas = schemas.as_object().unwrap();
        let direct = json!({"$ref": "#/components/schemas/Customer"});
        let list = json!({"type": "array", "items": {"$ref": "#/components/schemas/Customer"}});
        let own = json!({"$ref": "#/components/schemas/Customer", "title": "구매자"});
        assert_eq!(property(schemas, &direct).as_deref(), Some("구매자 정보"));
        assert_eq!(property(schemas, &list).as_deref(), Some("구매자 정보"));
        assert_eq!(property(schemas, &own).as_deref(), Some("구매자"));
        assert_eq!(property(schemas, &json!({"type": "string"})), None);
    }

    #[test]
    fn enum_values_have_their_titles() {
        let schema = json!({"enum": ["A", "B"], "x-portone-enum": {
            "A": {"title": "조회 대기", "description": "일괄 등록 시 조회 대기 상태입니다."}}});
        assert_eq!(
            enum_value(&schema, "A").as_deref(),
            Some("조회 대기\n\n일괄 등록 시 조회 대기 상태입니다.")
        );
        assert_eq!(enum_value(&schema, "B"), None);
    }

    #[test]
    fn links_and_tags_are_escaped_outside_code() {
        assert_eq!(
            escape("Falkland Islands (the) [Malvinas] <br> `[x]`"),
            "Falkland Islands (the) \\[Malvinas\\] &lt;br&gt; `[x]`"
        );
    }
}
