"""Turn attachment requests (what a bot sends) into attachments (what MAX shows)."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from maxremind.emulator.models import JSON, BadRequest

if TYPE_CHECKING:
    from maxremind.emulator.state import World

_MEDIA = {"image", "video", "audio", "file"}


def _uploaded(world: World, kind: str, token: object) -> JSON:
    upload = world.uploads_by_token.get(str(token))
    if upload is None or upload.type != kind:
        raise BadRequest(f"attachment: unknown {kind} token", code="attachment.not.found")
    if not upload.done:
        # Real MAX answers this while it is still processing the uploaded file.
        raise BadRequest(
            "Key: errors.process.attachment.file.not.processed", "attachment.not.ready"
        )
    return {"url": upload.url, "token": upload.token}


def from_request(world: World, request: JSON) -> JSON:
    """The stored attachment for one `AttachmentRequest` (already schema-valid)."""
    kind = request["type"]
    payload = request.get("payload") or {}
    if kind == "inline_keyboard":
        return {"type": kind, "payload": {"buttons": payload["buttons"]}}
    if kind == "image":
        if payload.get("token"):
            found = _uploaded(world, "image", payload["token"])
        elif payload.get("url"):
            found = {"url": payload["url"], "token": f"img{zlib.crc32(payload['url'].encode())}"}
        elif payload.get("photos"):
            # What an upload answers ({"photos": {id: {"token"}}}), passed on as is by
            # the official SDKs; MAX shows the first photo.
            first = next(iter(payload["photos"].values()))
            found = _uploaded(world, "image", first.get("token"))
        else:
            raise BadRequest("attachment: image needs `token`, `url` or `photos`")
        photo_id = zlib.crc32(found["token"].encode())
        return {"type": "image", "payload": {"photo_id": photo_id, **found}}
    if kind in _MEDIA:
        found = _uploaded(world, kind, payload.get("token"))
        if kind == "file":
            upload = world.uploads_by_token[found["token"]]
            return {
                "type": "file",
                "payload": found,
                "filename": upload.filename,
                "size": upload.size,
            }
        return {"type": kind, "payload": found}
    if kind == "sticker":
        code = payload["code"]
        return {
            "type": "sticker",
            "payload": {"url": f"https://st.max.ru/{code}", "code": code},
            "width": 128,
            "height": 128,
        }
    if kind == "contact":
        return {
            "type": "contact",
            "payload": {"vcf_info": payload.get("vcf_info"), "max_info": None},
        }
    if kind == "location":
        return {
            "type": "location",
            "latitude": request["latitude"],
            "longitude": request["longitude"],
        }
    if kind == "share":
        return {"type": "share", "payload": {"url": payload.get("url"), "token": None}}
    raise BadRequest(f"attachment: unsupported type {kind!r}")
