//! Decodes PortOne responses offline, including values and cases added after this SDK
//! was generated. `cargo run -p portone-gen --example offline_decode`

use portone_gen::types::{GetPaymentError, PaymentMethod, PaymentStatus};

fn main() -> Result<(), serde_json::Error> {
    let error: GetPaymentError = serde_json::from_str(
        r#"{"type":"PAYMENT_NOT_FOUND","message":"결제 건이 존재하지 않습니다."}"#,
    )?;
    println!("documented error   -> {error:?}");

    let newer: GetPaymentError =
        serde_json::from_str(r#"{"type":"RATE_LIMITED","message":"later"}"#)?;
    println!(
        "error added later  -> tag {:?}, kept: {}",
        newer.tag(),
        serde_json::to_string(&newer)?
    );

    let status: PaymentStatus = serde_json::from_str(r#""REFUNDED""#)?;
    println!(
        "enum value added later -> {status:?} (re-serializes as {})",
        serde_json::to_string(&status)?
    );

    let method: PaymentMethod =
        serde_json::from_str(r#"{"type":"PaymentMethodTransfer","bank":"KOOKMIN"}"#)?;
    println!("union case         -> {method:?}");
    Ok(())
}
