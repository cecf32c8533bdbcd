"""/calendar: the person's own calendar feed — the events that reach them, with their
answers and reminders — to subscribe to in Yandex Calendar, Google, Outlook or a phone.

The address is a secret (whoever has it reads the calendar), so it is sent only in the
person's dialog, with buttons for a new address (the old one stops working) and to turn
the feed off.  The same feed is on the web UI's /me page and in the API.
"""

from __future__ import annotations

from maxremind.bot.context import Ctx
from maxremind.bot.router import Router
from maxremind.domain.feeds import FeedKind
from maxremind.domain.ids import digits
from maxremind.domain.models import Language
from maxremind.i18n import add_texts
from maxremind.maxapi.models import Button
from maxremind.services.calendar import FeedLink, FeedRefused
from maxremind.services.errors import NotFound

RU, EN = Language.RU, Language.EN
TEXTS: dict[str, dict[Language, str]] = {
    "help_calendar": {
        RU: "ваши события в календаре телефона, Яндекса, Google или Outlook",
        EN: "your events in your phone's, Yandex, Google or Outlook calendar",
    },
    "calendar_link": {
        RU: (
            "📅 Ваш календарь — события, на которые вас позвали, с вашими ответами и "
            "напоминаниями. Подпишитесь по ссылке, календарь сам подтянет изменения:\n"
            "{url}\n\n"
            "iPhone, Mac, Outlook — откройте эту ссылку:\n{webcal}\n\n"
            "Google Календарь: «Другие календари» → «+» → «Добавить по URL». "
            "Яндекс Календарь: «Новый календарь» → «Подписаться на календарь».\n"
            "Ссылка — как пароль: не пересылайте её."
        ),
        EN: (
            "📅 Your calendar — the events you are invited to, with your answers and "
            "reminders. Subscribe by this link and the calendar picks up changes by itself:\n"
            "{url}\n\n"
            "iPhone, Mac, Outlook — open this link:\n{webcal}\n\n"
            "Google Calendar: “Other calendars” → “+” → “From URL”. "
            "Yandex Calendar: “New calendar” → “Subscribe to a calendar”.\n"
            "The link is like a password: do not forward it."
        ),
    },
    "calendar_button_open": {RU: "Открыть ссылку", EN: "Open the link"},
    "calendar_button_renew": {RU: "🔄 Новая ссылка", EN: "🔄 New link"},
    "calendar_button_off": {RU: "🚫 Отключить", EN: "🚫 Turn off"},
    "calendar_renewed": {
        RU: "Старая ссылка больше не работает. Новая:",
        EN: "The old link no longer works. The new one:",
    },
    "calendar_off": {
        RU: "Календарь отключён: ссылка больше не работает. /calendar — новая ссылка.",
        EN: "The calendar is off: its link no longer works. /calendar gives a new one.",
    },
    "calendar_gone": {
        RU: "Этот календарь уже отключён. /calendar — новая ссылка.",
        EN: "That calendar is already off. /calendar gives a new one.",
    },
    "calendar_only_dialog": {
        RU: (
            "Ссылку на календарь присылаю только в личном диалоге: по ней любой увидит "
            "ваши события. Напишите мне /calendar в личные сообщения."
        ),
        EN: (
            "I send calendar links only in a private dialog: anyone with it sees your "
            "events. Send me /calendar in a direct message."
        ),
    },
    "calendar_not_configured": {
        RU: (
            "Календари на этом сервере не настроены: у него нет адреса в интернете. "
            "Попросите администратора сервера указать его."
        ),
        EN: (
            "Calendars are not set up on this server: it has no address on the internet. "
            "Ask the server's administrator to configure it."
        ),
    },
    "calendar_too_many": {
        RU: "Слишком много календарей: отключите ненужные на странице /me веб-интерфейса.",
        EN: "Too many calendars: turn some off on the web UI's /me page.",
    },
}
add_texts(TEXTS)


def _buttons(ctx: Ctx, link: FeedLink, url: str) -> list[list[Button]]:
    return [
        [ctx.link(ctx.t("calendar_button_open"), url)],
        [
            ctx.button(ctx.t("calendar_button_renew"), "cal", "renew"),
            ctx.button(ctx.t("calendar_button_off"), "cal", "off", link.feed.id),
        ],
    ]


async def _show(ctx: Ctx, link: FeedLink, *, renewed: bool = False) -> None:
    base = ctx.services.web_url
    url = link.url(base)
    text = ctx.t("calendar_link", url=url, webcal=link.webcal(base))
    if renewed:
        text = ctx.t("calendar_renewed") + "\n\n" + text
    await ctx.reply(text, _buttons(ctx, link, url))


def register(router: Router) -> None:
    async def calendar(ctx: Ctx) -> None:
        if ctx.chat_id is not None:
            await ctx.say("calendar_only_dialog")
            return
        feeds = ctx.services.calendar
        if feeds is None or not ctx.services.web_url:
            await ctx.say("calendar_not_configured")
            return
        try:
            link = await feeds.link(ctx.user.user_id, FeedKind.PERSONAL)
        except FeedRefused:
            await ctx.say("calendar_too_many")
            return
        await _show(ctx, link)

    async def on_button(ctx: Ctx) -> None:
        feeds = ctx.services.calendar
        args = ctx.extras["args"]
        if feeds is None or not ctx.services.web_url or ctx.chat_id is not None:
            await ctx.say("calendar_not_configured")
            return
        if args and args[0] == "renew":
            try:
                link = await feeds.renew(ctx.user.user_id, FeedKind.PERSONAL)
            except FeedRefused:
                await ctx.say("calendar_too_many")
                return
            await _show(ctx, link, renewed=True)
            return
        if len(args) == 2 and args[0] == "off" and digits(str(args[1])):
            try:
                await feeds.revoke(ctx.user.user_id, int(args[1]))
            except NotFound:
                await ctx.say("calendar_gone")
                return
            await ctx.say("calendar_off")
            return
        await ctx.say("calendar_gone")

    router.command("/calendar", calendar, help_key="help_calendar", in_chats=True)
    router.action("cal", on_button)
