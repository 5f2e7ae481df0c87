//! Helpers of this crate's unit tests.

/// The error of a GET to a loopback port nothing listens on (refused: nothing was sent), through
/// a URL with a password (`hunter2`) and `path`, so that tests can check neither shows.
pub(crate) async fn refused_get(path: &str) -> reqwest::Error {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port();
    let client = http_client();
    let url = format!("http://user:hunter2@127.0.0.1:{port}{path}");
    client.get(&url).send().await.expect_err("nothing listens")
}

/// A `reqwest` client with the SDK's TLS setup.
pub(crate) fn http_client() -> reqwest::Client {
    crate::PortOne::http_client_builder()
        .expect("the SDK's TLS setup")
        .build()
        .expect("an HTTP client")
}
