"""File uploads as Slack does them since files.upload was retired:
files.getUploadURLExternal → POST the bytes to the returned URL →
files.completeUploadExternal shares the file in a channel (or a DM opened with
conversations.open). The emulator keeps the bytes so tests and the sandbox page
can look at what was shared."""
from __future__ import annotations

import itertools
import json

from flask import Flask, Response, jsonify, request

_ids = itertools.count(1)


def add_file_methods(app: Flask, state, methods: dict, error) -> None:
    def get_upload_url(p: dict):
        if not p.get("filename") or not str(p.get("length", "")).isdigit():
            return error("invalid_arguments")
        file_id = f"F{next(_ids):09d}"
        with state.lock:
            state.files[file_id] = {"id": file_id, "name": p["filename"], "length": int(p["length"]),
                                    "alt_txt": p.get("alt_txt"), "data": None, "shared_in": None}
        return jsonify({"ok": True, "file_id": file_id, "upload_url": f"{request.url_root}upload/{file_id}"})

    def complete_upload(p: dict):
        try:
            wanted = json.loads(p.get("files") or "[]")
        except ValueError:
            return error("invalid_arguments")
        channel = p.get("channel_id")
        if channel and channel not in state.channels:
            return error("channel_not_found")
        shared = []
        with state.lock:
            for item in wanted:
                stored = state.files.get(item.get("id"))
                if stored is None or stored["data"] is None:
                    return error("file_not_found")
                stored["title"] = item.get("title") or stored["name"]
                stored["shared_in"] = channel
                shared.append({"id": stored["id"], "name": stored["name"], "title": stored["title"],
                               "mimetype": "image/png" if stored["name"].endswith(".png") else "application/octet-stream",
                               "url_private": f"{request.url_root}files/{stored['id']}"})
            if channel:
                message = {"type": "message", "channel": channel, "user": state.bot_user_id, "bot_id": state.bot_id,
                           "text": p.get("initial_comment") or "", "ts": state.next_ts(), "files": shared,
                           "blocks": [], "attachments": []}
                if p.get("thread_ts"):
                    message["thread_ts"] = p["thread_ts"]
                state.messages.append(message)
        return jsonify({"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in shared]})

    def conversations_open(p: dict):
        user = p.get("users")
        if user not in state.users:
            return error("user_not_found")
        channel = f"D{user[1:]}"
        with state.lock:
            state.channels.setdefault(channel, f"dm-{state.users[user]['display_name']}")
        return jsonify({"ok": True, "channel": {"id": channel, "is_im": True}})

    methods.update({"files.getUploadURLExternal": get_upload_url, "files.completeUploadExternal": complete_upload,
                    "conversations.open": conversations_open})

    @app.post("/upload/<file_id>")
    def upload(file_id: str):
        with state.lock:
            stored = state.files.get(file_id)
            if stored is None:
                return Response("unknown upload", status=404)
            stored["data"] = request.get_data()
        return Response(f"OK - {len(stored['data'])}", status=200)

    @app.get("/files/<file_id>")
    def download(file_id: str):
        stored = state.files.get(file_id)
        if stored is None or stored["data"] is None:
            return Response(status=404)
        return Response(stored["data"], mimetype="image/png" if stored["name"].endswith(".png") else None)
