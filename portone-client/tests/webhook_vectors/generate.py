#!/usr/bin/env python3
"""Regenerates vectors.json: Standard Webhooks signatures computed with Python's hmac/base64,
independently of the Rust implementation under test.

Run from this directory: python3 generate.py > vectors.json
"""
import base64
import hashlib
import hmac
import json

SECRETS = {
    # name: (secret as configured, raw key bytes)
    "ascii": ("whsec_" + base64.b64encode(b"portone-webhook-test-secret").decode(), b"portone-webhook-test-secret"),
    "binary": (base64.b64encode(bytes(range(256))[::7]).decode(), bytes(range(256))[::7]),
    "unpadded": ("whsec_" + base64.b64encode(b"ab").decode().rstrip("="), b"ab"),
}

ID = "msg_2ZJkV3k8FQp9qRZ6Y1sT0wXe"
TS = "1748000000"

def sign(key: bytes, msg_id: str, ts: str, body: bytes) -> str:
    mac = hmac.new(key, msg_id.encode() + b"." + ts.encode() + b"." + body, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()

def tx(extra=None, store=True):
    data = {"paymentId": "order-2025-0001", "transactionId": "0196f3c2-tx"}
    if store:
        data["storeId"] = "store-4f2c1a"
    data.update(extra or {})
    return data

EVENTS = [
    ("Transaction.Ready", tx()),
    ("Transaction.Paid", tx()),
    ("Transaction.VirtualAccountIssued", tx()),
    ("Transaction.PartialCancelled", tx({"cancellationId": "cancel-1"})),
    ("Transaction.Cancelled", tx({"cancellationId": "cancel-2"})),
    ("Transaction.Failed", tx()),
    ("Transaction.PayPending", tx()),
    ("Transaction.CancelPending", tx({"cancellationId": "cancel-3"})),
    ("Transaction.DisputeCreated", tx()),
    ("Transaction.DisputeResolved", tx()),
    ("Transaction.Confirm", tx({"totalAmount": 15000})),
    ("BillingKey.Ready", {"billingKey": "billing-key-0001", "storeId": "store-4f2c1a"}),
    ("BillingKey.Issued", {"billingKey": "billing-key-0001", "storeId": "store-4f2c1a"}),
    ("BillingKey.Failed", {"billingKey": "billing-key-0001", "storeId": "store-4f2c1a"}),
    ("BillingKey.Deleted", {"billingKey": "billing-key-0001", "storeId": "store-4f2c1a"}),
    ("BillingKey.Updated", {"billingKey": "billing-key-0001", "storeId": "store-4f2c1a"}),
]

BODIES = [
    ("compact_korean", json.dumps({"type": "Transaction.Paid", "timestamp": "2025-05-23T11:33:20+09:00",
                                   "data": {"paymentId": "주문-가나다-001", "storeId": "상점", "transactionId": "tx"}},
                                  ensure_ascii=False, separators=(",", ":")).encode()),
    ("escaped_korean", json.dumps({"type": "Transaction.Paid", "timestamp": "2025-05-23T11:33:20+09:00",
                                   "data": {"paymentId": "주문-가나다-001", "storeId": "상점", "transactionId": "tx"}},
                                  ensure_ascii=True).encode()),
    ("pretty_crlf", json.dumps({"type": "BillingKey.Issued", "timestamp": "2025-05-23T02:33:20.123Z",
                                "data": {"billingKey": "빌링키 🔑", "storeId": "s"}},
                               ensure_ascii=False, indent=2).replace("\n", "\r\n").encode() + b"\r\n"),
    ("empty", b""),
]

vectors = []
for secret_name, (secret, key) in SECRETS.items():
    for body_name, body in BODIES:
        vectors.append({
            "name": f"{secret_name}/{body_name}",
            "secret": secret,
            "key_hex": key.hex(),
            "id": ID,
            "timestamp": TS,
            "body": body.decode(),
            "signature": "v1," + sign(key, ID, TS, body),
        })

events = []
secret, key = SECRETS["ascii"]
for i, (event_type, data) in enumerate(EVENTS):
    body = json.dumps({"type": event_type, "timestamp": "2025-05-23T11:33:%02d+09:00" % i, "data": data},
                      ensure_ascii=False).encode()
    msg_id = f"msg_event_{i:02d}"
    events.append({"type": event_type, "id": msg_id, "timestamp": TS, "body": body.decode(),
                   "signature": "v1," + sign(key, msg_id, TS, body), "data": data})

unknown = json.dumps({"type": "Payout.Completed", "timestamp": "2025-05-23T11:34:00+09:00",
                      "data": {"payoutId": "payout-1", "amount": {"total": 1000}}, "version": 2},
                     ensure_ascii=False).encode()
events.append({"type": "Payout.Completed", "id": "msg_unknown", "timestamp": TS, "body": unknown.decode(),
               "signature": "v1," + sign(key, "msg_unknown", TS, unknown), "data": None})

print(json.dumps({"secret": secret, "signing": vectors, "events": events}, ensure_ascii=False, indent=1))
