//! A loopback HTTP/1.1 server that records each request exactly as received (request
//! target bytes, headers, body) and answers with responses chosen by a closure, or misbehaves
//! on purpose ([`Fault`]) byte for byte.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Method, e.g. `GET`.
    pub method: String,
    /// The request target exactly as sent, e.g. `/payments/a%2Fb?storeId=s`.
    pub target: String,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query part of the target, if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }
}

/// How the server misbehaves instead of answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Close the connection without answering.
    Close,
    /// Write the head (announcing the whole body) and this many body bytes, then close.
    CutBody(usize),
    /// Write the head, then the body one byte at a time, this long apart.
    Trickle(std::time::Duration),
    /// Never answer (the connection stays open).
    Hang,
    /// Write exactly these bytes, then close (a redirect, a chunked or compressed answer...).
    Raw(Vec<u8>),
}

/// A response to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedResponse {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// A misbehaviour instead of the plain answer.
    pub fault: Option<Fault>,
}

impl ScriptedResponse {
    /// A JSON response.
    pub fn json(status: u16, body: impl Into<String>) -> ScriptedResponse {
        ScriptedResponse {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into().into_bytes(),
            fault: None,
        }
    }

    /// This response, delivered with `fault`.
    pub fn with_fault(mut self, fault: Fault) -> ScriptedResponse {
        self.fault = Some(fault);
        self
    }

    /// Exactly `bytes` on the wire.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> ScriptedResponse {
        ScriptedResponse {
            status: 0,
            headers: Vec::new(),
            body: Vec::new(),
            fault: Some(Fault::Raw(bytes.into())),
        }
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> ScriptedResponse {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Responder = dyn Fn(&RecordedRequest) -> ScriptedResponse + Send + Sync;

/// The running server; stops when dropped.
pub struct ScriptedServer {
    addr: std::net::SocketAddr,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ScriptedServer {
    /// Starts a server on a random loopback port.
    pub async fn start(
        responder: impl Fn(&RecordedRequest) -> ScriptedResponse + Send + Sync + 'static,
    ) -> ScriptedServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let responder: Arc<Responder> = Arc::new(responder);
        let recorded = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                let recorded = recorded.clone();
                let responder = responder.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, recorded, responder).await;
                });
            }
        });
        ScriptedServer {
            addr,
            requests,
            task,
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:4242`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: TcpStream,
    recorded: Arc<Mutex<Vec<RecordedRequest>>>,
    responder: Arc<Responder>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    while let Some(request) = read_request(&mut stream, &mut buf).await? {
        let response = responder(&request);
        recorded.lock().unwrap().push(request);
        if !answer(&mut stream, &response).await? {
            return Ok(());
        }
    }
    Ok(())
}

/// The next request on the connection (`None` when the client closed it); `buf` keeps what was
/// read beyond it.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<RecordedRequest>> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            break end;
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body_start = head_end + 4;
    while buf.len() < body_start + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = buf[body_start..body_start + length].to_vec();
    buf.drain(..body_start + length);
    Ok(Some(RecordedRequest {
        method,
        target,
        headers,
        body,
    }))
}

/// Writes `response` with its fault; whether the connection stays open for another request.
async fn answer(stream: &mut TcpStream, response: &ScriptedResponse) -> std::io::Result<bool> {
    match &response.fault {
        None => {}
        Some(Fault::Close) => return Ok(false),
        Some(Fault::CutBody(n)) => {
            let mut bytes = response_head(response);
            bytes.extend_from_slice(&response.body[..(*n).min(response.body.len())]);
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            return Ok(false);
        }
        Some(Fault::Trickle(interval)) => {
            stream.write_all(&response_head(response)).await?;
            for byte in &response.body {
                tokio::time::sleep(*interval).await;
                stream.write_all(&[*byte]).await?;
            }
            return Ok(true);
        }
        Some(Fault::Hang) => std::future::pending::<()>().await,
        Some(Fault::Raw(bytes)) => {
            stream.write_all(bytes).await?;
            stream.flush().await?;
            return Ok(false);
        }
    }
    // One write: a separate small write for the body would wait for the client's delayed ACK.
    let mut bytes = response_head(response);
    bytes.extend_from_slice(&response.body);
    stream.write_all(&bytes).await?;
    Ok(true)
}

/// The status line and headers of `response` (with its `content-length`).
fn response_head(response: &ScriptedResponse) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
        response.status,
        response.body.len()
    );
    for (name, value) in &response.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A loopback port nothing listens on (a listener took it and let it go): connecting is refused.
pub fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free loopback port")
}
