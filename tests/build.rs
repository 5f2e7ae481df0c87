//! Emits, from the same spec `portone-gen` is built from, a probe per union and enum type
//! so that tests can exercise every one of them by name.

use portone_openapi::Options;
use quote::{format_ident, quote};

fn main() {
    let (spec_path, _) = portone_openapi::build_spec_path();
    println!(
        "cargo::rerun-if-env-changed={}",
        portone_openapi::source::SPEC_OVERRIDE_ENV
    );
    println!("cargo::rerun-if-changed={}", spec_path.display());
    let options = Options {
        unstable: std::env::var_os("CARGO_FEATURE_UNSTABLE").is_some(),
    };
    let (_, normalized) = match portone_openapi::load_for_build(&options) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let model = &normalized.model;
    let unions = model.unions.iter().map(|u| {
        let name = &u.name;
        let ty = format_ident!("{}", u.rust_name);
        quote!(crate::UnionProbe { name: #name, decode: crate::probe_union::<portone_gen::types::#ty> })
    });
    let enums = model.enums.iter().map(|e| {
        let name = &e.name;
        let ty = format_ident!("{}", e.rust_name);
        quote!(crate::EnumProbe { name: #name, decode: crate::probe_enum::<portone_gen::types::#ty> })
    });
    let query_body_calls = model.operations.iter().filter(|op| op.body_in_query()).map(|op| {
        let id = &op.id;
        let method = format_ident!("{}", op.rust_name);
        let body = op.body.as_ref().expect("filtered");
        let body_schema = &body.schema;
        let body_ty = format_ident!("{}", portone_openapi::rust_type_name(&body.schema));
        let path_args = op.path_params.iter().map(|p| {
            let value = format!("path-{p}");
            quote!(#value)
        });
        let query_args = op.query_params.iter().map(|_| quote!(None));
        quote! {
            {
                let body: portone_gen::types::#body_ty = serde_json::from_value(sample(#body_schema))
                    .unwrap_or_else(|e| panic!("sample of {} does not decode: {e}", #body_schema));
                let result = client.#method(#(#path_args,)* #(#query_args,)* &body).await;
                calls.push(crate::QueryBodyCall {
                    operation: #id,
                    body: serde_json::to_value(&body).unwrap(),
                    error: result.err().map(|e| e.to_string()),
                });
            }
        }
    });
    let facade_query_body_calls = model.operations.iter().filter(|op| op.body_in_query()).map(|op| {
        let id = &op.id;
        let method = format_ident!("{}", op.rust_name);
        let accessors = op
            .group()
            .iter()
            .map(|g| format_ident!("{}", heck::ToSnakeCase::to_snake_case(g.as_str())))
            .collect::<Vec<_>>();
        let body = op.body.as_ref().expect("filtered");
        let body_schema = &body.schema;
        let body_ty = format_ident!("{}", portone_openapi::rust_type_name(&body.schema));
        let path_args = op.path_params.iter().map(|p| {
            let value = format!("path-{p}");
            quote!(#value)
        });
        let query_args = op.query_params.iter().map(|_| quote!(None));
        quote! {
            {
                let body: portone_gen::types::#body_ty = serde_json::from_value(sample(#body_schema))
                    .unwrap_or_else(|e| panic!("sample of {} does not decode: {e}", #body_schema));
                let result = portone #(.#accessors())* .#method(#(#path_args,)* #(#query_args,)* &body).await;
                calls.push(crate::QueryBodyCall {
                    operation: #id,
                    body: serde_json::to_value(&body).unwrap(),
                    error: result.err().map(|e| e.to_string()),
                });
            }
        }
    });
    let spec = spec_path.display().to_string();
    let tokens = quote! {
        /// The spec the generated client was built from.
        pub const SPEC_PATH: &str = #spec;
        /// One probe per discriminated union of the spec.
        pub static UNIONS: &[crate::UnionProbe] = &[#(#unions),*];
        /// One probe per string enum of the spec.
        pub static ENUMS: &[crate::EnumProbe] = &[#(#enums),*];

        /// Calls every operation whose body travels in the `requestBody` query, with a body
        /// made by `sample(schema name)`.
        pub async fn call_query_body_operations(
            client: &portone_gen::Client,
            sample: &dyn Fn(&str) -> serde_json::Value,
        ) -> Vec<crate::QueryBodyCall> {
            let mut calls = Vec::new();
            #(#query_body_calls)*
            calls
        }

        /// The same calls through the facade (`portone.<group>().<operation>(...)`).
        pub async fn call_query_body_operations_via_facade(
            portone: &portone_client::PortOne,
            sample: &dyn Fn(&str) -> serde_json::Value,
        ) -> Vec<crate::QueryBodyCall> {
            let mut calls = Vec::new();
            #(#facade_query_body_calls)*
            calls
        }
    };
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("probes.rs");
    std::fs::write(out, tokens.to_string()).unwrap();
}
