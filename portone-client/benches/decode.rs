//! Decode throughput and allocations: the SDK's typed decode of realistic PortOne responses
//! against `serde_json::Value` and `serde::de::IgnoredAny` (the ceiling for any serde_json
//! decode) of the same bytes.
//!
//! ```text
//! cargo bench -p portone-client --bench decode
//! ```
//!
//! Fixtures are generated from the spec at start-up (see `fixtures/mod.rs`). Divan prints the
//! time and throughput (bytes/s) of each decode and, through its `AllocProfiler`, the
//! allocations per iteration: the `payment` group decodes one payment per iteration, the
//! `payments_1000` group a whole 1000-payment page. Dropping the decoded value is not timed,
//! except in the `*_and_drop` benches (what an application pays per response). The `date_time`
//! group compares the SDK's timestamp decoding with chrono's serde decoding and its strict
//! RFC 3339 parser. The typed decodes go through `portone_gen::decode_json` like the SDK; the
//! `Value` baselines through `serde_json::from_slice` like `reqwest`'s `Response::json`.
//! BENCHMARKS.md has the figures and how they were measured.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{AllocProfiler, Bencher, black_box};
use serde::de::{
    self, Deserialize, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};

#[path = "fixtures/mod.rs"]
mod fixtures;

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

static FIXTURES: LazyLock<fixtures::Fixtures> = LazyLock::new(|| {
    fixtures::Fixtures::load().unwrap_or_else(|message| {
        eprintln!("error: cannot generate the benchmark fixtures: {message}");
        std::process::exit(1)
    })
});

fn main() {
    let fixtures = &*FIXTURES;
    println!(
        "fixtures: one payment {} bytes; {} payments {} bytes ({} bytes per payment)",
        fixtures.payment.len(),
        fixtures::LIST_SIZE,
        fixtures.payments.len(),
        fixtures.payments.len() / fixtures::LIST_SIZE,
    );
    println!(
        "in memory: Payment {} bytes, PaymentMethod {} bytes, serde_json::Value {} bytes",
        std::mem::size_of::<portone_client::types::Payment>(),
        std::mem::size_of::<portone_client::types::PaymentMethod>(),
        std::mem::size_of::<serde_json::Value>(),
    );
    divan::main();
}

/// Decodes `bytes` as `T` the way `reqwest`'s `Response::json` does (`serde_json::from_slice`):
/// the `Value` baselines. The fixtures were checked to decode at start-up.
fn decode<T: DeserializeOwned>(bytes: &[u8]) -> T {
    match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => panic!("the fixture was checked to decode: {e}"),
    }
}

/// Decodes `bytes` as `T` the way the SDK decodes a response body (`portone_gen::decode_json`:
/// one UTF-8 check for the whole body, then `serde_json::from_str`).
fn decode_sdk<T: DeserializeOwned>(bytes: &[u8]) -> T {
    match portone_gen::decode_json(bytes) {
        Ok(value) => value,
        Err(e) => panic!("the fixture was checked to decode: {e}"),
    }
}

/// Times `decode(bytes)` (the decoded value is dropped outside the timing).
fn bench<T>(bencher: Bencher, bytes: &'static [u8], decode: fn(&[u8]) -> T) {
    bencher
        .counter(BytesCount::of_slice(bytes))
        .bench(|| decode(black_box(bytes)));
}

/// Times `decode(bytes)` and dropping the result: what an application pays per body.
fn bench_with_drop<T>(bencher: Bencher, bytes: &'static [u8], decode: fn(&[u8]) -> T) {
    bencher
        .counter(BytesCount::of_slice(bytes))
        .bench(|| drop(decode(black_box(bytes))));
}

/// A `getPaymentsResponse` with 1000 payments of every status and payment-method type (~2 MB).
mod payments_1000 {
    use super::*;
    use portone_client::types::GetPaymentsResponse;

    /// The SDK's typed decode.
    #[divan::bench]
    fn typed(bencher: Bencher) {
        bench(
            bencher,
            &FIXTURES.payments,
            decode_sdk::<GetPaymentsResponse>,
        );
    }

    /// `serde_json::Value` as built here (`preserve_order` is on: `portone-openapi` enables it).
    #[divan::bench]
    fn value(bencher: Bencher) {
        bench(bencher, &FIXTURES.payments, decode::<serde_json::Value>);
    }

    /// `serde_json::Value` decoded from text like the SDK's decode (checked UTF-8 first).
    #[divan::bench]
    fn value_from_str(bencher: Bencher) {
        bench(bencher, &FIXTURES.payments, decode_sdk::<serde_json::Value>);
    }

    /// `serde_json::Value` as a default-featured `serde_json` builds it (a `BTreeMap` per object).
    #[divan::bench]
    fn value_btree(bencher: Bencher) {
        bench(bencher, &FIXTURES.payments, decode::<BTreeValue>);
    }

    /// Parsing without building anything: the ceiling for a serde_json decode.
    #[divan::bench]
    fn ignored_any(bencher: Bencher) {
        bench(bencher, &FIXTURES.payments, decode::<IgnoredAny>);
    }

    /// The typed decode, dropping the result inside the timing.
    #[divan::bench]
    fn typed_and_drop(bencher: Bencher) {
        bench_with_drop(
            bencher,
            &FIXTURES.payments,
            decode_sdk::<GetPaymentsResponse>,
        );
    }

    /// `serde_json::Value` (`preserve_order`), dropping the result inside the timing.
    #[divan::bench]
    fn value_and_drop(bencher: Bencher) {
        bench_with_drop(bencher, &FIXTURES.payments, decode::<serde_json::Value>);
    }

    /// The default-featured `Value` tree, dropping the result inside the timing.
    #[divan::bench]
    fn value_btree_and_drop(bencher: Bencher) {
        bench_with_drop(bencher, &FIXTURES.payments, decode::<BTreeValue>);
    }
}

/// One RFC 3339 timestamp (a payment has ~15): the SDK's `Timestamp` (strict RFC 3339 parser
/// first) against chrono's own serde decoding (its relaxed `FromStr`) and the bare strict parser.
mod date_time {
    use super::*;
    use portone_client::chrono::{DateTime, Utc};

    const JSON: &str = "\"2026-07-14T09:31:22.481295Z\"";

    /// The SDK's `Timestamp` through serde (what the generated types decode).
    #[divan::bench]
    fn timestamp_serde() -> portone_client::Timestamp {
        decode(black_box(JSON.as_bytes()))
    }

    /// `DateTime<Utc>` through chrono's serde impl.
    #[divan::bench]
    fn chrono_serde() -> DateTime<Utc> {
        decode(black_box(JSON.as_bytes()))
    }

    /// The same string through `DateTime::parse_from_rfc3339`.
    #[divan::bench]
    fn parse_from_rfc3339() -> Option<DateTime<Utc>> {
        let text = black_box(&JSON[1..JSON.len() - 1]);
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// One `PAID` card payment (a `getPayment` response body).
mod payment {
    use super::*;
    use portone_client::types::Payment;

    /// The SDK's typed decode.
    #[divan::bench]
    fn typed(bencher: Bencher) {
        bench(bencher, &FIXTURES.payment, decode_sdk::<Payment>);
    }

    /// `serde_json::Value` as built here (`preserve_order`).
    #[divan::bench]
    fn value(bencher: Bencher) {
        bench(bencher, &FIXTURES.payment, decode::<serde_json::Value>);
    }

    /// `serde_json::Value` as a default-featured `serde_json` builds it.
    #[divan::bench]
    fn value_btree(bencher: Bencher) {
        bench(bencher, &FIXTURES.payment, decode::<BTreeValue>);
    }

    /// Parsing without building anything.
    #[divan::bench]
    fn ignored_any(bencher: Bencher) {
        bench(bencher, &FIXTURES.payment, decode::<IgnoredAny>);
    }
}

/// The tree `serde_json::Value` is without its `preserve_order` feature: the same visitor
/// (numbers as `serde_json::Number`, owned strings and keys, a `BTreeMap` per object). The
/// benches link `portone-openapi`, which turns `preserve_order` on for the whole build, so this
/// is how they measure the baseline an application with a default `serde_json` has.
#[allow(dead_code)] // only built, never read
enum BTreeValue {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<BTreeValue>),
    Object(BTreeMap<String, BTreeValue>),
}

impl<'de> Deserialize<'de> for BTreeValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(BTreeValueVisitor)
    }
}

struct BTreeValueVisitor;

impl<'de> Visitor<'de> for BTreeValueVisitor {
    type Value = BTreeValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<BTreeValue, E> {
        Ok(BTreeValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<BTreeValue, E> {
        Ok(BTreeValue::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<BTreeValue, E> {
        Ok(BTreeValue::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<BTreeValue, E> {
        Ok(serde_json::Number::from_f64(v).map_or(BTreeValue::Null, BTreeValue::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<BTreeValue, E> {
        Ok(BTreeValue::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<BTreeValue, E> {
        Ok(BTreeValue::String(v))
    }
    fn visit_unit<E>(self) -> Result<BTreeValue, E> {
        Ok(BTreeValue::Null)
    }
    fn visit_none<E>(self) -> Result<BTreeValue, E> {
        Ok(BTreeValue::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<BTreeValue, D::Error> {
        BTreeValue::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BTreeValue, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(BTreeValue::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BTreeValue, A::Error> {
        let mut object = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, BTreeValue>()? {
            object.insert(key, value);
        }
        Ok(BTreeValue::Object(object))
    }
}
