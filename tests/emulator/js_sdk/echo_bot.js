// A small echo bot written with the official MAX SDK (@maxhub/max-bot-api), pointed at
// the emulator by tests/emulator/test_official_sdk.py. It uses what a real bot does:
// the command menu, a reply with an inline keyboard, a callback answer and an edit,
// an image uploaded from a file and sent.
'use strict';

const { Bot, Keyboard } = require('@maxhub/max-bot-api');

// The SDK's API root is `clientOptions.baseUrl` (default https://platform-api2.max.ru).
const bot = new Bot(process.env.BOT_TOKEN, {
  clientOptions: { baseUrl: process.env.MAX_API_URL },
});

bot.on('bot_started', (ctx) => ctx.reply('Привет! Напишите что-нибудь.'));

bot.on('message_created', async (ctx) => {
  const text = ctx.message.body.text || '';
  if (text === 'фото') {
    const image = await ctx.api.uploadImage({ source: process.env.IMAGE_PATH });
    await ctx.reply('Вот фото', { attachments: [image.toJson()] });
    return;
  }
  // `intent` is not in the document's CallbackButton: MAX takes it anyway.
  const yes = { ...Keyboard.button.callback('Да', 'yes'), intent: 'positive' };
  const no = Keyboard.button.callback('Нет', 'no');
  await ctx.reply(text, { attachments: [Keyboard.inlineKeyboard([[yes, no]])] });
});

bot.on('message_callback', async (ctx) => {
  await ctx.answerOnCallback({ notification: `Принято: ${ctx.callback.payload}` });
  await ctx.editMessage({ text: `Выбрано: ${ctx.callback.payload}`, attachments: [] });
});

bot.catch((err) => {
  console.error('handler failed:', err);
  process.exitCode = 1;
});

process.on('SIGTERM', () => {
  bot.stopPolling();
  process.exit(process.exitCode || 0);
});

(async () => {
  await bot.api.setMyCommands([
    { name: 'start', description: 'Начать' },
    { name: 'echo', description: 'Повторить текст' },
  ]);
  bot.botInfo = await bot.api.getMyInfo();
  console.log(`ready @${bot.botInfo.username}`);
  await bot.start();
})().catch((err) => {
  console.error('start failed:', err);
  process.exit(1);
});
