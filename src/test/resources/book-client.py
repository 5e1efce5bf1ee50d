#!/usr/bin/env python3
"""A client of ragd's book-compatible WebSocket, written the way the book's test page and Locust
file talk to it: connect to ws://HOST:PORT/, send one JSON frame with user_email and chat_history,
read frames until the server closes, pull the tokens out of each raw frame with the page's regex
"content":"(.*?)" and print the answer.

Usage: book-client.py PORT EMAIL QUESTION
Prints:  ANSWER: <answer>      (one line)
         CLOSE: <close code>   (one line)
Needs Debian's python3-websocket (websocket-client).
"""
import json
import re
import struct
import sys

import websocket

TOKEN = re.compile(r'"content":"(.*?)"')


def main():
    port, email, question = sys.argv[1], sys.argv[2], sys.argv[3]
    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/", timeout=20)
    ws.send(json.dumps({"user_email": email, "chat_history": [f"user_question: {question}"]}))
    tokens = []
    close_code = None
    while True:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            close_code = struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
            break
        if opcode == websocket.ABNF.OPCODE_TEXT:
            tokens.extend(TOKEN.findall(data.decode("utf-8")))
    ws.close()
    print("ANSWER: " + "".join(tokens))
    print(f"CLOSE: {close_code}")


if __name__ == "__main__":
    main()
