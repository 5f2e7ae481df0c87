//! What the facade (`portone-client`) offers for each operation: the one description its build
//! script emits the request builders from, and the review tooling compares across specs.
//!
//! A facade method takes what the operation requires (path parameters, required query
//! parameters, the body) and returns a request builder; every optional parameter is a setter of
//! the builder, except the optional `storeId` query parameter, which is the builder's
//! `store_id(..)` (the call's store, also filled into a body's `storeId`).

use heck::ToSnakeCase;

use super::{Generated, MethodSignature};
use crate::{ApiModel, Operation};

/// How the facade takes one parameter of a generated method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A path parameter or a required query parameter: an argument of the facade method.
    Required,
    /// The request body: an argument of the facade method.
    Body,
    /// The optional `storeId` query parameter: the builder's `store_id(..)`.
    StoreId,
    /// Another optional parameter: a setter of the builder.
    Optional,
}

/// One parameter of an operation's generated method.
#[derive(Clone)]
pub struct Param {
    /// The generated method's parameter name.
    pub ident: syn::Ident,
    /// The wire name (`paymentId`), or `body`.
    pub wire: String,
    /// The generated method's parameter type (absolute paths, no lifetimes).
    pub ty: syn::Type,
    /// What the facade makes of it.
    pub role: Role,
}

/// An operation as the facade offers it.
#[derive(Clone)]
pub struct Call {
    /// The operation.
    pub operation: Operation,
    /// Its parameters, in the generated method's order.
    pub params: Vec<Param>,
    /// The success type.
    pub ok: syn::Type,
    /// The documented error type.
    pub err: syn::Type,
    /// Whether `store_id(..)` applies (a `storeId` query parameter or body field).
    pub has_store_id: bool,
}

impl Call {
    /// The facade method's arguments, in order.
    pub fn arguments(&self) -> impl Iterator<Item = &Param> {
        self.params
            .iter()
            .filter(|p| matches!(p.role, Role::Required | Role::Body))
    }

    /// The builder's setters for optional parameters (`store_id` aside).
    pub fn setters(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.role == Role::Optional)
    }
}

impl Generated {
    /// Every operation of `model` as the facade offers it, in spec order.
    pub fn calls(&self, model: &ApiModel) -> Result<Vec<Call>, String> {
        let signatures = self.method_signatures()?;
        model
            .operations
            .iter()
            .map(|op| {
                let signature = signatures
                    .get(&op.rust_name)
                    .ok_or_else(|| format!("no generated method for {}", op.id))?;
                call(op, signature)
            })
            .collect()
    }
}

fn call(op: &Operation, signature: &MethodSignature) -> Result<Call, String> {
    let mut params = Vec::new();
    for (ident, ty) in &signature.params {
        let name = ident.to_string();
        let wire = if name == "body" {
            "body".to_owned()
        } else {
            op.path_params
                .iter()
                .chain(op.query_params.iter().map(|q| &q.name))
                .find(|w| w.to_snake_case() == name)
                .cloned()
                .ok_or_else(|| format!("{}: no spec parameter for `{name}`", op.id))?
        };
        let role = match (name.as_str(), super::option_of(ty).is_some()) {
            ("body", _) => Role::Body,
            (_, true) if wire == "storeId" => Role::StoreId,
            (_, true) => Role::Optional,
            (_, false) => Role::Required,
        };
        params.push(Param {
            ident: ident.clone(),
            wire,
            ty: ty.clone(),
            role,
        });
    }
    let has_store_id = op.has_store_id_query() || op.body.as_ref().is_some_and(|b| b.has_store_id);
    Ok(Call {
        operation: op.clone(),
        params,
        ok: signature.ok.clone(),
        err: signature.err.clone(),
        has_store_id,
    })
}
