"""Stand-in ASGI app for the nginx scenario: echoes what nginx forwarded, answers /health
and echoes WebSocket messages. Served by Debian's uvicorn; INSTANCE tells pool members apart."""

import json
import os

INSTANCE = os.environ.get("INSTANCE", "standin")


async def send_json(send, status, body):
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def websocket_echo(receive, send):
    while True:
        event = await receive()
        if event["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif event["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": "echo: " + (event.get("text") or "")})
        else:
            return


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            event = await receive()
            await send({"type": event["type"] + ".complete"})
            if event["type"] == "lifespan.shutdown":
                return
    if scope["type"] == "websocket":
        await websocket_echo(receive, send)
        return
    headers = {name.decode(): value.decode() for name, value in scope["headers"]}
    if scope["path"] == "/health":
        await send_json(send, 200, {"status": "ok", "instance": INSTANCE})
        return
    await send_json(send, 200, {"instance": INSTANCE, "path": scope["path"], "headers": headers})
