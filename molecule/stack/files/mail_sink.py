"""SMTP receiver for the stack scenario (aiosmtpd, Debian's python3-aiosmtpd): appends every
mail Alertmanager sends as one JSON line (envelope, subject, text of the body) for the tests."""

import json
import sys
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

OUTPUT = sys.argv[1]


class Sink:
    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain", "html"))
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "body": body.get_content() if body else "",
        }
        with open(OUTPUT, "a") as handle:
            handle.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


controller = Controller(Sink(), hostname="127.0.0.1", port=2525)
controller.start()
threading.Event().wait()
