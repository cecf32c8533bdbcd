from __future__ import annotations

import logging

import httpx
import pytest

from maxremind.maxapi.client import RetryPolicy
from maxremind.maxapi.errors import (
    BadRequest,
    Forbidden,
    MaxApiError,
    NetworkError,
    NotFound,
    OperationFailed,
    RateLimited,
    ServerError,
    Unauthorized,
)
from maxremind.maxapi.models import (
    FileAttachmentRequest,
    MessageCreatedUpdate,
    NewMessageBody,
    PhotoAttachmentRequest,
    UnknownUpdate,
    VideoAttachmentRequest,
    callback_button,
    inline_keyboard,
)

from . import samples
from .conftest import TOKEN, respond
from .schema_check import assert_valid

SENT = {"message": samples.message(text="Напоминание")}
OK = {"success": True}


async def test_token_goes_raw_in_the_authorization_header(make_client, recorder):
    client = make_client(lambda r: respond(body={**samples.user(9, "Bot", is_bot=True)}))
    bot = await client.get_me()
    assert bot.user_id == 9
    request = recorder.requests[0]
    assert request.headers["Authorization"] == TOKEN
    assert "access_token" not in str(request.url)
    assert str(request.url) == "https://max.test/me"


async def test_send_message_to_user_posts_a_schema_valid_body(make_client, recorder):
    client = make_client(lambda r: respond(body=SENT))
    body = NewMessageBody(
        text="Встреча в 10:00", attachments=[inline_keyboard([callback_button("Ок", "ok:1")])]
    )
    message = await client.send_message(body, user_id=202, disable_link_preview=True)
    assert message.body.text == "Напоминание"
    request = recorder.requests[0]
    assert request.method == "POST"
    assert request.url.path == "/messages"
    assert dict(request.url.params) == {"user_id": "202", "disable_link_preview": "true"}
    assert_valid("NewMessageBody", recorder.body())


async def test_send_message_to_chat_accepts_plain_text(make_client, recorder):
    client = make_client(lambda r: respond(body=SENT))
    await client.send_message("Привет", chat_id=-100)
    assert dict(recorder.requests[0].url.params) == {"chat_id": "-100"}
    assert recorder.body() == {"text": "Привет", "attachments": None, "link": None}


@pytest.mark.parametrize("ids", [{}, {"user_id": 1, "chat_id": 2}])
async def test_send_message_needs_exactly_one_recipient(make_client, ids):
    client = make_client(lambda r: respond(body=SENT))
    with pytest.raises(ValueError, match="exactly one"):
        await client.send_message("x", **ids)


@pytest.mark.parametrize(
    ("status", "error_class", "permanent"),
    [
        (400, BadRequest, True),
        (401, Unauthorized, True),
        (403, Forbidden, True),
        (404, NotFound, True),
        (405, BadRequest, True),
        (429, RateLimited, False),
        (500, ServerError, False),
        (502, ServerError, False),
        (503, ServerError, False),
    ],
)
async def test_errors_map_by_status(make_client, status, error_class, permanent):
    client = make_client(
        lambda r: respond(status, {"code": "some.code", "message": "nope"}),
        retry=RetryPolicy(max_attempts=1),
    )
    with pytest.raises(error_class) as caught:
        await client.send_message("x", user_id=1)
    error = caught.value
    assert isinstance(error, MaxApiError)
    assert (error.status, error.code, error.message) == (status, "some.code", "nope")
    assert error.permanent is permanent
    assert (error.method, error.path) == ("POST", "/messages")


async def test_forbidden_keeps_max_code(make_client, recorder):
    client = make_client(
        lambda r: respond(403, {"code": "chat.denied", "message": "user stopped the bot"})
    )
    with pytest.raises(Forbidden) as caught:
        await client.send_message("x", user_id=1)
    assert caught.value.code == "chat.denied"
    assert len(recorder.requests) == 1  # permanent: no retry


@pytest.mark.parametrize("status", [400, 401, 403, 404])
async def test_no_retry_on_4xx(make_client, recorder, status):
    client = make_client(lambda r: respond(status, {"code": "x", "message": "y"}))
    with pytest.raises(MaxApiError):
        await client.get_chat(-1)
    assert len(recorder.requests) == 1
    assert recorder.sleeps == []


async def test_retries_429_honouring_retry_after_then_succeeds(make_client, recorder):
    answers = iter(
        [
            respond(
                429,
                {"code": "too.many.requests", "message": "slow down"},
                headers={"Retry-After": "2"},
            ),
            respond(body=SENT),
        ]
    )
    client = make_client(lambda r: next(answers))
    await client.send_message("x", user_id=1)
    assert len(recorder.requests) == 2
    assert recorder.sleeps[0] >= 2.0


async def test_retries_5xx_with_growing_jittered_backoff_then_succeeds(make_client, recorder):
    answers = iter(
        [
            respond(500, {"code": "internal", "message": "x"}),
            respond(502),
            respond(503),
            respond(body=OK),
        ]
    )
    client = make_client(lambda r: next(answers))
    await client.delete_message("mid.1")
    assert len(recorder.requests) == 4
    # Full jitter: each wait is within [0, base * 2**(n-1)].
    for attempt, delay in enumerate(recorder.sleeps, start=1):
        assert 0 <= delay <= 0.1 * 2 ** (attempt - 1)


async def test_gives_up_after_max_attempts_with_a_transient_error(make_client, recorder):
    client = make_client(lambda r: respond(503, {"code": "unavailable", "message": "later"}))
    with pytest.raises(ServerError) as caught:
        await client.get_chat(-1)
    assert not caught.value.permanent
    assert len(recorder.requests) == 4


async def test_retry_after_beyond_the_total_budget_raises_at_once(make_client, recorder):
    client = make_client(
        lambda r: respond(429, {"code": "x", "message": "y"}, headers={"Retry-After": "600"})
    )
    with pytest.raises(RateLimited) as caught:
        await client.get_chat(-1)
    assert caught.value.retry_after == 600
    assert len(recorder.requests) == 1


async def test_connect_error_is_retried(make_client, recorder):
    calls = iter([httpx.ConnectError("refused"), None])

    def handler(request):
        error = next(calls)
        if error:
            raise error
        return respond(body=SENT)

    client = make_client(handler)
    await client.send_message("x", user_id=1, retry_on_timeout=False)
    assert len(recorder.requests) == 2


async def test_read_timeout_on_send_is_retried_by_default(make_client, recorder):
    calls = iter([httpx.ReadTimeout("slow"), None])

    def handler(request):
        error = next(calls)
        if error:
            raise error
        return respond(body=SENT)

    client = make_client(handler)
    await client.send_message("x", user_id=1)
    assert len(recorder.requests) == 2


async def test_read_timeout_on_send_is_not_retried_when_caller_keeps_a_ledger(
    make_client, recorder
):
    def handler(request):
        raise httpx.ReadTimeout("slow")

    client = make_client(handler)
    with pytest.raises(NetworkError) as caught:
        await client.send_message("x", user_id=1, retry_on_timeout=False)
    assert caught.value.maybe_delivered
    assert not caught.value.permanent
    assert len(recorder.requests) == 1


async def test_undecodable_answer_is_a_network_error(make_client):
    client = make_client(
        lambda r: httpx.Response(200, text="<html>gateway</html>"),
        retry=RetryPolicy(max_attempts=1),
    )
    with pytest.raises(NetworkError):
        await client.get_me()


async def test_answer_of_the_wrong_shape_is_a_network_error(make_client):
    client = make_client(lambda r: respond(body={"weird": 1}), retry=RetryPolicy(max_attempts=1))
    with pytest.raises(NetworkError, match="unexpected answer shape"):
        await client.get_chat(-1)


async def test_success_false_is_a_permanent_error(make_client, recorder):
    client = make_client(lambda r: respond(body={"success": False, "message": "message.not.found"}))
    with pytest.raises(OperationFailed) as caught:
        await client.edit_message("mid.1", "new text")
    assert caught.value.permanent
    assert caught.value.message == "message.not.found"
    assert len(recorder.requests) == 1
    assert_valid("NewMessageBody", recorder.body())


async def test_success_false_that_says_try_later_is_retried(make_client, recorder):
    answers = iter(
        [respond(body={"success": False, "message": "Please try again later"}), respond(body=OK)]
    )
    client = make_client(lambda r: next(answers))
    await client.answer_callback("cb.1", notification="ok")
    assert len(recorder.requests) == 2
    assert dict(recorder.requests[0].url.params) == {"callback_id": "cb.1"}
    assert_valid("CallbackAnswer", recorder.body())


async def test_get_updates_parses_one_by_one_and_reports_failures(make_client, recorder):
    batch = {
        "updates": [
            samples.message_created(),
            {"update_type": "message_created", "timestamp": 1},  # malformed
            {"update_type": "from_the_future", "timestamp": 2},
            "not even an object",
        ],
        "marker": 1234,
    }
    client = make_client(lambda r: respond(body=batch))
    result = await client.get_updates(
        marker=1200, limit=50, timeout=25, types=["message_created", "bot_started"]
    )
    assert [type(u) for u in result.updates] == [MessageCreatedUpdate, UnknownUpdate]
    assert [f.update_type for f in result.failures] == ["message_created", None]
    assert result.marker == 1234
    request = recorder.requests[0]
    assert dict(request.url.params) == {
        "limit": "50",
        "timeout": "25",
        "marker": "1200",
        "types": "message_created,bot_started",
    }
    # The read timeout outlasts the server-side long poll.
    assert request.extensions["timeout"]["read"] > 25


async def test_get_updates_without_marker_omits_it(make_client, recorder):
    client = make_client(lambda r: respond(body={"updates": [], "marker": None}))
    result = await client.get_updates()
    assert "marker" not in recorder.requests[0].url.params
    assert result.marker is None
    assert result.updates == []


async def test_chat_endpoints(make_client, recorder):
    member = {
        **samples.user(),
        "is_admin": True,
        "is_owner": False,
        "join_time": 1,
        "last_access_time": 2,
        "permissions": None,
    }

    def handler(request):
        if request.url.path.endswith("/members/me"):
            return respond(body=member)
        if request.url.path.endswith("/members"):
            return respond(body={"members": [member], "marker": None})
        return respond(body=samples.chat())

    client = make_client(handler)
    chat = await client.get_chat(-68000000001)
    assert chat.chat_id == -68000000001
    members = await client.get_chat_members(-5, user_ids=[1, 2, 2], count=10)
    assert members.members[0].is_admin
    assert dict(recorder.requests[1].url.params) == {"user_ids": "1,2", "count": "10"}
    me = await client.get_my_membership(-5)
    assert me.user_id == 101
    assert [r.url.path for r in recorder.requests] == [
        "/chats/-68000000001",
        "/chats/-5/members",
        "/chats/-5/members/me",
    ]


async def test_get_message_quotes_the_id(make_client, recorder):
    client = make_client(lambda r: respond(body=samples.message()))
    message = await client.get_message("mid.abc_1-2")
    assert message.mid == "mid.0000000000abcdef"
    assert recorder.requests[0].url.path == "/messages/mid.abc_1-2"


async def test_subscriptions(make_client, recorder):
    def handler(request):
        if request.method == "GET":
            return respond(
                body={"subscriptions": [{"url": "https://a/b", "time": 1, "update_types": None}]}
            )
        return respond(body=OK)

    client = make_client(handler)
    await client.subscribe("https://a/b", "secret_123", ["message_created"])
    assert_valid("SubscriptionRequestBody", recorder.body(0))
    subscriptions = await client.list_subscriptions()
    assert subscriptions[0].url == "https://a/b"
    await client.unsubscribe("https://a/b")
    assert recorder.requests[2].method == "DELETE"
    assert dict(recorder.requests[2].url.params) == {"url": "https://a/b"}


@pytest.mark.parametrize(
    ("kind", "endpoint", "upload_answer", "expected_class", "expected_payload"),
    [
        (
            "file",
            {"url": "https://fu.test/upload?sig=1"},
            {"token": "ftok"},
            FileAttachmentRequest,
            {"token": "ftok"},
        ),
        (
            "image",
            {"url": "https://iu.test/upload?sig=1"},
            {"photos": {"p1": {"token": "itok"}}},
            PhotoAttachmentRequest,
            {"photos": {"p1": {"token": "itok"}}},
        ),
        (
            "video",
            {"url": "https://vu.test/upload", "token": "vtok"},
            None,
            VideoAttachmentRequest,
            {"token": "vtok"},
        ),
    ],
)
async def test_upload_file(
    make_client, recorder, kind, endpoint, upload_answer, expected_class, expected_payload
):
    def handler(request):
        if request.url.host == "max.test":
            return respond(body=endpoint)
        if upload_answer is None:
            return httpx.Response(200, text="<retval>1</retval>")
        return respond(body=upload_answer)

    client = make_client(handler)
    attachment = await client.upload_file(kind, "plan.pdf", b"%PDF-1.4 data")
    assert isinstance(attachment, expected_class)
    assert attachment.to_request() == {"type": kind, "payload": expected_payload}
    first, second = recorder.requests
    assert first.url.path == "/uploads"
    assert dict(first.url.params) == {"type": kind}
    assert str(second.url) == endpoint["url"]
    assert "Authorization" not in second.headers  # the token stays with the API host
    assert b'name="data"; filename="plan.pdf"' in second.content
    assert_valid("NewMessageBody", NewMessageBody(attachments=[attachment]).to_request())


async def test_token_never_appears_in_logs_reprs_or_errors(make_client, recorder, caplog):
    caplog.set_level(logging.DEBUG)
    answers = iter(
        [
            respond(500, {"code": "internal", "message": f"boom for {TOKEN}"}),
            httpx.Response(502, text=f"upstream said {TOKEN}"),
            respond(401, {"code": "verify.token", "message": f"Invalid access_token {TOKEN}"}),
        ]
    )
    client = make_client(lambda r: next(answers))
    with pytest.raises(Unauthorized) as caught:
        await client.get_me()
    error = caught.value
    assert len(recorder.requests) == 3
    for text in (caplog.text, str(error), repr(error), repr(client), str(error.__cause__)):
        assert TOKEN not in text
    assert "verify.token" in caplog.text
    assert "/me" in caplog.text
    assert TOKEN not in repr(vars(client))


def test_token_with_whitespace_is_refused_without_echoing_it():
    from maxremind.maxapi.client import MaxClient

    with pytest.raises(ValueError, match="token") as caught:
        MaxClient("abc def\n")
    assert "abc def" not in str(caught.value)


@pytest.mark.parametrize(("status", "retried"), [(503, True), (500, False), (504, False)])
async def test_ledger_callers_are_not_retried_after_an_ambiguous_5xx(
    make_client, recorder, status, retried
):
    answers = iter([respond(status, {"code": "x", "message": "y"}), respond(body=SENT)])
    client = make_client(lambda r: next(answers))
    if retried:
        await client.send_message("x", user_id=1, retry_on_timeout=False)
    else:
        with pytest.raises(ServerError) as caught:
            await client.send_message("x", user_id=1, retry_on_timeout=False)
        assert caught.value.maybe_delivered
    assert len(recorder.requests) == (2 if retried else 1)
