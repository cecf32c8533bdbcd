"""Every request body we build must validate against the official OpenAPI schema."""

from __future__ import annotations

import pytest

from maxremind.maxapi.models import (
    CallbackAnswer,
    FileAttachmentRequest,
    InlineKeyboardAttachment,
    InlineKeyboardAttachmentRequest,
    MessageCallbackUpdate,
    NewMessageBody,
    OpenAppButton,
    PhotoAttachmentRequest,
    PhotoAttachmentRequestPayload,
    PhotoToken,
    SubscriptionRequestBody,
    UploadedInfo,
    callback_button,
    inline_keyboard,
    link_button,
    parse_update,
)

from . import samples
from .schema_check import assert_valid, schema_errors

KEYBOARD = inline_keyboard(
    [callback_button("Приду", "rsvp:42:yes"), callback_button("Не приду", "rsvp:42:no")],
    [link_button("Открыть", "https://example.com/e/42")],
    [OpenAppButton(text="Приложение", web_app="maxremind_bot", payload="event-42")],
)

MESSAGE_BODIES = {
    "text only": NewMessageBody(text="Привет"),
    "no text, keyboard": NewMessageBody(attachments=[KEYBOARD]),
    "everything": NewMessageBody(
        text="**Завтра** в 10:00",
        attachments=[KEYBOARD],
        notify=False,
        format="markdown",
    ),
    "html": NewMessageBody(text="<b>Срочно</b>", format="html"),
    "file": NewMessageBody(
        text="Расписание", attachments=[FileAttachmentRequest(payload=UploadedInfo(token="t"))]
    ),
    "photo by url": NewMessageBody(
        attachments=[
            PhotoAttachmentRequest(payload=PhotoAttachmentRequestPayload(url="https://x/y.png"))
        ]
    ),
    "photo tokens": NewMessageBody(
        attachments=[
            PhotoAttachmentRequest(
                payload=PhotoAttachmentRequestPayload(photos={"a1": PhotoToken(token="tok")})
            )
        ]
    ),
}


@pytest.mark.parametrize("name", list(MESSAGE_BODIES))
def test_new_message_body_matches_official_schema(name):
    assert_valid("NewMessageBody", MESSAGE_BODIES[name].to_request())


# Buttons MAX has but this code does not model, as MAX sends them (with a field of its own).
UNMODELLED_BUTTONS = [
    {"type": "request_contact", "text": "Поделиться контактом", "intent": "default"},
    {"type": "request_geo_location", "text": "Где я", "quick": True, "intent": "default"},
    {"type": "message", "text": "Готово"},
    {"type": "clipboard", "text": "Скопировать код", "payload": "XK-42"},
]


def test_a_parsed_keyboard_with_unmodelled_buttons_can_be_sent_again():
    raw = samples.message_callback()
    keyboard = raw["message"]["body"]["attachments"][0]["payload"]
    keyboard["buttons"] = [keyboard["buttons"][0], *([b] for b in UNMODELLED_BUTTONS)]
    update = parse_update(raw)
    assert isinstance(update, MessageCallbackUpdate)
    assert update.message is not None
    parsed = (update.message.body.attachments or [])[0]
    assert isinstance(parsed, InlineKeyboardAttachment)

    again = NewMessageBody(attachments=[InlineKeyboardAttachmentRequest(payload=parsed.payload)])
    body = again.to_request()
    assert_valid("NewMessageBody", body)
    sent = body["attachments"][0]["payload"]["buttons"]
    # Each goes back with the fields the schema gives its type; what MAX added is dropped,
    # as it is from a modelled button.
    assert sent[1:] == [[{k: v for k, v in b.items() if k != "intent"}] for b in UNMODELLED_BUTTONS]
    assert "intent" not in sent[0][0]


def test_required_nullable_fields_are_sent_as_null_and_others_omitted():
    assert NewMessageBody(text="hi").to_request() == {
        "text": "hi",
        "attachments": None,
        "link": None,
    }


@pytest.mark.parametrize(
    "answer",
    [
        CallbackAnswer(notification="Записал!"),
        CallbackAnswer(message=NewMessageBody(text="Вы придёте", attachments=[KEYBOARD])),
        CallbackAnswer(message=NewMessageBody(text="x"), notification="y"),
    ],
)
def test_callback_answer_matches_official_schema(answer):
    assert_valid("CallbackAnswer", answer.to_request())


def test_subscription_body_matches_official_schema():
    body = SubscriptionRequestBody(
        url="https://bot.example.com/max/webhook",
        secret="s3cr3t_Value-1",
        update_types=["message_created", "message_callback", "bot_started"],
    )
    assert_valid("SubscriptionRequestBody", body.to_request())
    assert_valid("SubscriptionRequestBody", SubscriptionRequestBody(url="https://a/b").to_request())


def test_schema_check_is_strict_enough_to_catch_mistakes():
    # Guards the guard: the converted schema rejects what MAX would reject.
    assert schema_errors("NewMessageBody", {"text": "hi"})  # required nullable keys missing
    bad_button = {"type": "callback", "text": "a", "payload": "p", "colour": "red"}
    body = {
        "text": "hi",
        "attachments": [{"type": "inline_keyboard", "payload": {"buttons": [[bad_button]]}}],
        "link": None,
    }
    assert schema_errors("NewMessageBody", body)
    assert schema_errors("NewMessageBody", {"text": "x" * 4001, "attachments": None, "link": None})
    assert schema_errors(
        "NewMessageBody", {"text": "x", "attachments": None, "link": None, "format": "rtf"}
    )
