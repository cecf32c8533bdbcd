from __future__ import annotations

import pytest
from pydantic import ValidationError

from maxremind.maxapi.models import (
    BotInfo,
    BotStartedUpdate,
    CallbackButton,
    Chat,
    ChatMembersList,
    InlineKeyboardAttachment,
    LinkButton,
    MessageCallbackUpdate,
    MessageCreatedUpdate,
    NewMessageBody,
    UnknownAttachment,
    UnknownButton,
    UnknownUpdate,
    parse_update,
)
from maxremind.maxapi.updates import _TYPED as TYPED
from maxremind.maxapi.updates import KNOWN_UPDATE_TYPES

from . import samples


@pytest.mark.parametrize("raw", samples.ALL_UPDATES, ids=lambda r: r["update_type"])
def test_every_documented_update_type_parses(raw):
    """The types the bot acts on into their own class; the others (KNOWN_UPDATE_TYPES
    lists what MAX documents) into UnknownUpdate with every field kept, as sent."""
    update = parse_update(raw)
    assert update.update_type == raw["update_type"]
    assert raw["update_type"] in KNOWN_UPDATE_TYPES
    typed = raw["update_type"] in TYPED
    assert isinstance(update, UnknownUpdate) != typed
    if not typed:
        assert update.model_dump(mode="json") == raw


def test_the_typed_update_classes_are_the_union_s_tags():
    # Each typed class's update_type default is the tag it is parsed under.
    for kind in TYPED:
        raw = next(r for r in samples.ALL_UPDATES if r["update_type"] == kind)
        update = parse_update(raw)
        assert type(update).model_fields["update_type"].default == kind


def test_message_created_keeps_unknown_fields_at_every_level():
    raw = samples.message_created(brand_new_flag=True)
    raw["message"]["body"]["reactions"] = [{"emoji": "👍"}]
    update = parse_update(raw)
    assert isinstance(update, MessageCreatedUpdate)
    assert update.model_extra == {"brand_new_flag": True}
    assert update.message.body.model_extra == {"reactions": [{"emoji": "👍"}]}
    assert update.message.body.text == "/start"
    assert update.message.recipient.chat_type == "dialog"
    assert update.message.body.markup is not None
    assert update.message.body.markup[0] == {"type": "strong", "from": 0, "length": 3}
    assert update.ids() == {"message_id": "mid.0000000000abcdef", "chat_id": 555, "user_id": 101}


def test_unknown_update_type_parses_as_unknown_update_with_its_fields():
    update = parse_update({"update_type": "story_posted", "timestamp": 1, "story": {"id": 9}})
    assert isinstance(update, UnknownUpdate)
    assert update.update_type == "story_posted"
    assert update.model_extra == {"story": {"id": 9}}


def test_malformed_known_update_raises():
    with pytest.raises(ValidationError):
        parse_update({"update_type": "message_created", "timestamp": 1})


def test_callback_update_keyboard_with_unknown_button_and_field():
    update = parse_update(samples.message_callback())
    assert isinstance(update, MessageCallbackUpdate)
    assert update.callback.payload == "rsvp:42:yes"
    assert update.ids()["callback_id"] == "f9LHodD0cOI5yHbXf9zN1gIRAAAAAAA"
    assert update.message is not None
    attachments = update.message.body.attachments
    assert attachments is not None
    keyboard = attachments[0]
    assert isinstance(keyboard, InlineKeyboardAttachment)
    rows = keyboard.payload.buttons
    assert isinstance(rows[0][0], CallbackButton)
    assert isinstance(rows[1][0], LinkButton)
    assert isinstance(rows[2][0], UnknownButton)
    # Received extras on known buttons are dropped so the keyboard can be re-sent as is.
    assert rows[0][0].to_request() == {
        "type": "callback",
        "text": "Приду",
        "payload": "rsvp:42:yes",
    }


def test_unknown_attachment_type_does_not_break_the_message():
    raw = samples.message_created()
    raw["message"]["body"]["attachments"] = [{"type": "poll", "payload": {"question": "?"}}]
    update = parse_update(raw)
    assert isinstance(update, MessageCreatedUpdate)
    assert update.message.body.attachments is not None
    assert isinstance(update.message.body.attachments[0], UnknownAttachment)


# Attachments MAX sends that this code does not model, shaped as the official schema has them.
UNMODELLED_ATTACHMENTS = [
    {"type": "image", "payload": {"photo_id": 1, "token": "t", "url": "https://i/1.jpg"}},
    {"type": "video", "payload": {"url": "https://v/1", "token": "t"}, "width": 640},
    {"type": "audio", "payload": {"url": "https://a/1.ogg", "token": "t"}, "transcription": "x"},
    {"type": "sticker", "payload": {"url": "https://s/1.webp", "code": "c0de"}, "width": 512},
    {
        "type": "contact",
        "payload": {"vcf_info": "BEGIN:VCARD", "max_info": {"user_id": 7, "first_name": "Ян"}},
    },
    {"type": "share", "payload": {"url": "https://ya.ru"}, "title": "Яндекс", "image_url": None},
    {"type": "location", "latitude": 55.75, "longitude": 37.62},
]


@pytest.mark.parametrize("raw", UNMODELLED_ATTACHMENTS, ids=lambda a: a["type"])
def test_unmodelled_attachment_parses_as_unknown_with_its_fields(raw):
    message = samples.message_created()
    message["message"]["body"]["attachments"] = [raw]
    update = parse_update(message)
    assert isinstance(update, MessageCreatedUpdate)
    [attachment] = update.message.body.attachments or []
    assert isinstance(attachment, UnknownAttachment)
    assert attachment.type == raw["type"]
    assert attachment.model_extra == {k: v for k, v in raw.items() if k != "type"}
    # The inbox keeps an update as its dump and parses it again later: nothing is lost.
    dumped = update.model_dump(mode="json", exclude_unset=True, by_alias=True)
    assert dumped["message"]["body"]["attachments"] == [raw]


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "request_contact", "text": "Контакт"},
        {"type": "request_geo_location", "text": "Где я", "quick": True},
        {"type": "message", "text": "Готово"},
        {"type": "clipboard", "text": "Код", "payload": "XK-42"},
    ],
    ids=lambda b: b["type"],
)
def test_unmodelled_button_parses_as_unknown_with_its_fields(raw):
    message = samples.message_callback()
    message["message"]["body"]["attachments"][0]["payload"]["buttons"].append([raw])
    update = parse_update(message)
    assert isinstance(update, MessageCallbackUpdate)
    assert update.message is not None
    keyboard = (update.message.body.attachments or [])[0]
    assert isinstance(keyboard, InlineKeyboardAttachment)
    button = keyboard.payload.buttons[-1][0]
    assert isinstance(button, UnknownButton)
    assert (button.type, button.text) == (raw["type"], raw["text"])
    assert button.model_extra == {k: v for k, v in raw.items() if k not in ("type", "text")}


def test_unread_parts_of_messages_and_chats_are_kept_as_sent():
    forwarded = {
        "type": "forward",
        "sender": samples.user(7),
        "chat_id": -5,
        "message": {"mid": "mid.1", "text": "hi", "attachments": [UNMODELLED_ATTACHMENTS[3]]},
    }
    raw = samples.message_created()
    raw["message"].update(link=forwarded, stat={"views": 3})
    update = parse_update(raw)
    assert isinstance(update, MessageCreatedUpdate)
    assert update.message.link == forwarded
    assert update.message.stat == {"views": 3}
    dumped = update.model_dump(mode="json", exclude_unset=True, by_alias=True)
    assert dumped["message"]["link"] == forwarded

    pinned = samples.message(text="pinned")
    chat = Chat.model_validate(samples.chat(icon={"url": "https://i/1.png"}, pinned_message=pinned))
    assert chat.icon == {"url": "https://i/1.png"}
    assert chat.pinned_message == pinned


def test_bot_started_carries_deep_link_payload():
    update = parse_update(samples.bot_started())
    assert isinstance(update, BotStartedUpdate)
    assert update.payload == "team-invite-abc"
    assert update.user.display_name == "Анна Петрова"


@pytest.mark.parametrize("chat_type", ["chat", "dialog", "channel", "something_new"])
def test_chat_type_is_free_text(chat_type):
    chat = Chat.model_validate(samples.chat(chat_type, unexpected={"x": 1}))
    assert chat.type == chat_type


def test_message_chat_created_keeps_its_chat_as_sent():
    update = parse_update(samples.ALL_UPDATES[-1])
    assert isinstance(update, UnknownUpdate)
    assert update.model_extra is not None
    assert update.model_extra["chat"]["title"] == "Команда"


def test_bot_info_and_members_parse():
    bot = BotInfo.model_validate(
        {**samples.user(9, "Напоминалка", is_bot=True), "commands": [{"name": "start"}]}
    )
    assert bot.is_bot
    assert bot.commands is not None
    assert bot.commands[0].name == "start"
    members = ChatMembersList.model_validate(
        {
            "members": [
                {
                    **samples.user(),
                    "is_admin": True,
                    "is_owner": False,
                    "join_time": 1,
                    "last_access_time": 2,
                    "permissions": ["write", "a_permission_from_the_future"],
                }
            ],
            "marker": 77,
        }
    )
    assert members.marker == 77
    assert members.members[0].permissions == ["write", "a_permission_from_the_future"]


def test_text_limit_is_4000_characters():
    NewMessageBody(text="я" * 4000)
    with pytest.raises(ValidationError):
        NewMessageBody(text="я" * 4001)


def test_callback_payload_limit_is_1024():
    CallbackButton(text="ok", payload="x" * 1024)
    with pytest.raises(ValidationError):
        CallbackButton(text="ok", payload="x" * 1025)


def test_button_text_must_not_be_empty():
    with pytest.raises(ValidationError):
        CallbackButton(text="", payload="p")


def test_request_models_reject_unknown_fields():
    with pytest.raises(ValidationError):
        NewMessageBody.model_validate({"text": "hi", "colour": "red"})


@pytest.mark.parametrize("bad", [2**63, -(2**63) - 1, 10**30])
def test_ids_outside_int64_are_malformed_updates(bad):
    # MAX's ids are int64; a larger one would only fail later, in the database, after
    # the handler had half-run (and then be retried and dropped without a word).
    with pytest.raises(ValidationError):
        parse_update(samples.bot_started(user_id=bad))
    with pytest.raises(ValidationError):
        parse_update(samples.bot_started(chat_id=bad))
    assert parse_update(samples.bot_started(user_id=2**63 - 1)).user.user_id == 2**63 - 1
