"""The fake Slack's external file uploads: ``files.getUploadURLExternal``, the upload URL
itself (``/upload/<file_id>``) and ``files.completeUploadExternal``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web


class FilesMixin:
    """`FakeSlack`'s file uploads; uploaded files are kept in ``files`` by id."""

    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        call = self._record("upload", request, {"file_id": file_id, "size": len(data)})
        call.status = 200
        if file_id in self.files:
            self.files[file_id]["data"] = data
        # Like files.slack.com: text/plain "OK - <size>" (slack_sdk reads it as text).
        return web.Response(text=f"OK - {len(data)}", content_type="text/plain")

    def _files_get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not params.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._new_id("F")
        self.files[file_id] = {
            "id": file_id,
            "name": params["filename"],
            "length": int(params["length"]),
            "data": None,
        }
        return {"ok": True, "upload_url": f"{self.root_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        items = params.get("files")
        if not isinstance(items, list) or not items:
            return {"ok": False, "error": "invalid_arguments"}
        out = []
        for item in items:
            stored = self.files.get(item.get("id", ""))
            if stored is None or stored["data"] is None:
                return {"ok": False, "error": "file_not_found"}
            stored.update(
                title=item.get("title") or stored["name"],
                channel_id=params.get("channel_id"),
                thread_ts=params.get("thread_ts"),
                initial_comment=params.get("initial_comment"),
            )
            out.append(
                {
                    "id": stored["id"],
                    "name": stored["name"],
                    "title": stored["title"],
                    "size": len(stored["data"]),
                }
            )
        return {"ok": True, "files": out}


FILE_HANDLERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "files.getUploadURLExternal": FilesMixin._files_get_upload_url,
    "files.completeUploadExternal": FilesMixin._files_complete_upload,
}
