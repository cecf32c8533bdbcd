"""/web: a one-time sign-in link to the web UI, and a button that opens the mini-app.

The link carries its token in the fragment (``<web UI>/login#<token>``): a fragment never
reaches a server log or a Referer, and the page redeems it by a POST. It works once and
expires (the access service's ``link_ttl``). Only in the person's dialog: a link posted in
a group chat would sign in whoever opens it first.
"""

from __future__ import annotations

from maxremind.bot.context import Ctx
from maxremind.bot.router import Router
from maxremind.domain.models import Language
from maxremind.i18n import add_texts
from maxremind.maxapi.attachments import OpenAppButton
from maxremind.maxapi.models import Button

TEXTS: dict[str, dict[Language, str]] = {
    "help_web": {
        Language.RU: "вход в веб-интерфейс и мини-приложение",
        Language.EN: "sign in to the web UI or open the mini-app",
    },
    "web_link": {
        Language.RU: (
            "Веб-интерфейс: планируйте события, смотрите ответы и доставку.\n"
            "Кнопка «Войти в браузере» — одноразовая ссылка: сработает один раз и только "
            "{minutes} минут. Не пересылайте её: по ней войдут от вашего имени.\n"
            "«Открыть в MAX» — то же самое прямо здесь, в мини-приложении."
        ),
        Language.EN: (
            "The web UI: plan events, see answers and deliveries.\n"
            "“Sign in (browser)” is a one-time link: it works once and only for "
            "{minutes} minutes. Do not forward it: whoever opens it signs in as you.\n"
            "“Open in MAX” does the same right here, as a mini-app."
        ),
    },
    "web_button_link": {Language.RU: "Войти в браузере", Language.EN: "Sign in (browser)"},
    "web_button_app": {Language.RU: "Открыть в MAX", Language.EN: "Open in MAX"},
    "web_only_dialog": {
        Language.RU: (
            "Ссылку для входа присылаю только в личном диалоге: в чате по ней мог бы войти "
            "кто угодно. Напишите мне /web в личные сообщения."
        ),
        Language.EN: (
            "I send sign-in links only in a private dialog: in a chat anyone could use it. "
            "Send me /web in a direct message."
        ),
    },
    "web_not_configured": {
        Language.RU: (
            "Веб-интерфейс на этом сервере не настроен. Попросите администратора сервера "
            "указать его адрес."
        ),
        Language.EN: (
            "The web UI is not set up on this server. Ask the server's administrator to "
            "configure its address."
        ),
    },
}
add_texts(TEXTS)


def register(router: Router) -> None:
    async def web(ctx: Ctx) -> None:
        if ctx.chat_id is not None:
            await ctx.say("web_only_dialog")
            return
        services = ctx.services
        if not services.web_url:
            await ctx.say("web_not_configured")
            return
        token = await services.access.login_link(ctx.user.user_id)
        rows: list[list[Button]] = [
            [ctx.link(ctx.t("web_button_link"), f"{services.web_url.rstrip('/')}/login#{token}")]
        ]
        if services.bot_username:
            rows.append(
                [OpenAppButton(text=ctx.t("web_button_app"), web_app=services.bot_username)]
            )
        minutes = max(1, int(services.access.link_ttl.total_seconds() // 60))
        await ctx.say("web_link", rows, minutes=minutes)

    router.command("/web", web, help_key="help_web", in_chats=True)
