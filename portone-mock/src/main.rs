//! `cargo run -p portone-mock -- --spec PATH [--port N]`

fn main() {}
