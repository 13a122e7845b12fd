/*
 * Page and widget chrome strings (not bot messages: those come from the bot in the chosen language).
 * Loaded by the demo page and by widget.js; defines window.LockerDeskI18n once.
 */
(function () {
  'use strict';
  if (window.LockerDeskI18n) return;

  var page = {
    lt: {
      'doc.title': 'Pagalba — LockerDesk paštomatai',
      'skip': 'Pereiti prie turinio',
      'nav.send': 'Siųsti',
      'nav.receive': 'Gauti',
      'nav.lockers': 'Paštomatai',
      'nav.help': 'Pagalba',
      'lang.label': 'Kalba',
      'hero.title': 'Kuo galime padėti?',
      'hero.lead': 'Atsakymai į dažniausius klausimus apie siuntas ir paštomatus. Neradote atsakymo? Mūsų pagalbininkas pokalbyje padės pakeisti paštomatą, pataisyti telefono numerį ar surasti siuntą — visą parą.',
      'hero.cta': 'Rašyti pagalbininkui',
      'hero.hours': 'Klientų aptarnavimo specialistai dirba __BUSINESS_HOURS_LT__.',
      'topics.title': 'Dažniausios temos',
      'topic.send.title': 'Kaip išsiųsti siuntą',
      'topic.send.text': 'Užregistruokite siuntą internetu, nurodykite gavėjo telefoną ir paštomatą. Gautą kodą suveskite bet kuriame paštomate ir įdėkite siuntą į atsidariusią spintelę.',
      'topic.code.title': 'Atsiėmimo kodas',
      'topic.code.text': 'Kai siunta pasiekia paštomatą, gavėjas gauna SMS su atsiėmimo kodu. Siuntą galima atsiimti per 7 dienas.',
      'topic.delay.title': 'Vėlavimai piko metu',
      'topic.delay.text': 'Prieš šventes ir per didžiuosius išpardavimus siuntos gali vėluoti 1–5 darbo dienas. Būsena atnaujinama automatiškai.',
      'topic.readdress.title': 'Pakeisti paštomatą',
      'topic.readdress.text': 'Kol siunta dar keliauja, siuntėjas gali ją nukreipti į kitą paštomatą. Tai greičiausia padaryti pokalbyje su pagalbininku.',
      'faq.title': 'Dažnai užduodami klausimai',
      'faq.q1': 'Negavau SMS su atsiėmimo kodu. Ką daryti?',
      'faq.a1': 'Dažniausiai siuntėjas nurodė klaidingą gavėjo telefono numerį. Siuntėjas gali jį pataisyti pokalbyje — naujas kodas bus išsiųstas iš karto.',
      'faq.q2': 'Kiek laiko keliauja siunta?',
      'faq.a2': 'Lietuvoje paprastai 1–2 darbo dienas. Piko metu vėlavimas iki 5 darbo dienų yra įprastas.',
      'faq.q3': 'Pamečiau siuntos numerį.',
      'faq.a3': 'Pagalbininkas suras jį pagal siuntėjo ir gavėjo telefono numerius ir paštomatą.',
      'faq.q4': 'Paštomatas neatsidaro arba sugedo.',
      'faq.a4': 'Parašykite pagalbininkui ir pridėkite nuotrauką — klausimą iškart perduosime kolegai.',
      'footer.text': '© LockerDesk paštomatų tinklas. Lietuva · Latvija · Estija.',
      'footer.demo': 'Demonstracinis puslapis.'
    },
    en: {
      'doc.title': 'Help — LockerDesk parcel lockers',
      'skip': 'Skip to content',
      'nav.send': 'Send',
      'nav.receive': 'Receive',
      'nav.lockers': 'Lockers',
      'nav.help': 'Help',
      'lang.label': 'Language',
      'hero.title': 'How can we help?',
      'hero.lead': 'Answers to the most common questions about parcels and lockers. Didn\u2019t find yours? Our chat assistant can change the locker, fix a phone number or find a parcel — day and night.',
      'hero.cta': 'Chat with the assistant',
      'hero.hours': 'Customer service staff work __BUSINESS_HOURS_EN__.',
      'topics.title': 'Popular topics',
      'topic.send.title': 'How to send a parcel',
      'topic.send.text': 'Register the parcel online with the recipient\u2019s phone and locker. Enter the code you get at any locker and put the parcel into the compartment that opens.',
      'topic.code.title': 'Pickup code',
      'topic.code.text': 'When the parcel reaches the locker, the recipient gets an SMS with the pickup code. The parcel waits for 7 days.',
      'topic.delay.title': 'Delays at peak time',
      'topic.delay.text': 'Before holidays and during big sales, parcels may be 1–5 working days late. The status updates automatically.',
      'topic.readdress.title': 'Change the locker',
      'topic.readdress.text': 'While the parcel is on its way, the sender can redirect it to another locker. The chat assistant does it fastest.',
      'faq.title': 'Frequently asked questions',
      'faq.q1': 'I didn\u2019t get the SMS with the pickup code. What now?',
      'faq.a1': 'Most often the sender gave a wrong recipient phone number. The sender can fix it in the chat, and a new code is sent right away.',
      'faq.q2': 'How long does delivery take?',
      'faq.a2': 'Usually 1–2 working days within Lithuania. At peak time a delay of up to 5 working days is normal.',
      'faq.q3': 'I lost my parcel number.',
      'faq.a3': 'The assistant finds it from the sender\u2019s and recipient\u2019s phone numbers and the locker.',
      'faq.q4': 'The locker does not open or is broken.',
      'faq.a4': 'Write to the assistant and attach a photo — we pass it to a colleague straight away.',
      'footer.text': '© LockerDesk parcel-locker network. Lithuania · Latvia · Estonia.',
      'footer.demo': 'Demo page.'
    },
    ru: {
      'doc.title': 'Помощь — постоматы LockerDesk',
      'skip': 'Перейти к содержанию',
      'nav.send': 'Отправить',
      'nav.receive': 'Получить',
      'nav.lockers': 'Постоматы',
      'nav.help': 'Помощь',
      'lang.label': 'Язык',
      'hero.title': 'Чем мы можем помочь?',
      'hero.lead': 'Ответы на частые вопросы о посылках и постоматах. Не нашли ответа? Помощник в чате сменит постомат, исправит номер телефона или найдёт посылку — круглосуточно.',
      'hero.cta': 'Написать помощнику',
      'hero.hours': 'Специалисты службы поддержки работают __BUSINESS_HOURS_RU__.',
      'topics.title': 'Популярные темы',
      'topic.send.title': 'Как отправить посылку',
      'topic.send.text': 'Зарегистрируйте посылку онлайн, укажите телефон получателя и постомат. Введите полученный код в любом постомате и положите посылку в открывшуюся ячейку.',
      'topic.code.title': 'Код получения',
      'topic.code.text': 'Когда посылка прибывает в постомат, получатель получает SMS с кодом. Посылка хранится 7 дней.',
      'topic.delay.title': 'Задержки в пиковый период',
      'topic.delay.text': 'Перед праздниками и во время больших распродаж посылки могут задерживаться на 1–5 рабочих дней. Статус обновляется автоматически.',
      'topic.readdress.title': 'Сменить постомат',
      'topic.readdress.text': 'Пока посылка в пути, отправитель может перенаправить её в другой постомат. Быстрее всего — в чате с помощником.',
      'faq.title': 'Частые вопросы',
      'faq.q1': 'Не пришло SMS с кодом получения. Что делать?',
      'faq.a1': 'Чаще всего отправитель указал неверный номер получателя. Отправитель может исправить его в чате — новый код придёт сразу.',
      'faq.q2': 'Сколько идёт посылка?',
      'faq.a2': 'По Литве обычно 1–2 рабочих дня. В пиковый период задержка до 5 рабочих дней — обычное дело.',
      'faq.q3': 'Я потерял номер посылки.',
      'faq.a3': 'Помощник найдёт его по телефонам отправителя и получателя и постомату.',
      'faq.q4': 'Постомат не открывается или сломан.',
      'faq.a4': 'Напишите помощнику и приложите фото — мы сразу передадим вопрос коллеге.',
      'footer.text': '© Сеть постоматов LockerDesk. Литва · Латвия · Эстония.',
      'footer.demo': 'Демонстрационная страница.'
    }
  };

  var widget = {
    lt: {
      launcher: 'Pagalba',
      launcherLabel: 'Atidaryti pokalbį su pagalbininku',
      title: 'LockerDesk pagalbininkas',
      subtitle: 'Atsakome iš karto, visą parą',
      close: 'Uždaryti pokalbį',
      language: 'Pokalbio kalba',
      connecting: 'Jungiamasi prie pokalbio…',
      errorTitle: 'Nepavyko prisijungti prie pokalbio',
      errorText: 'Patikrinkite interneto ryšį ir bandykite dar kartą. Jei nepavyksta, skambinkite +370 700 00000 (__BUSINESS_HOURS_LT__).',
      retry: 'Bandyti dar kartą',
      unread: 'Nauja žinutė'
    },
    en: {
      launcher: 'Help',
      launcherLabel: 'Open a chat with the assistant',
      title: 'LockerDesk assistant',
      subtitle: 'We answer right away, day and night',
      close: 'Close the chat',
      language: 'Chat language',
      connecting: 'Connecting to the chat…',
      errorTitle: 'Could not connect to the chat',
      errorText: 'Please check your internet connection and try again. If it still fails, call +370 700 00000 (__BUSINESS_HOURS_EN__).',
      retry: 'Try again',
      unread: 'New message'
    },
    ru: {
      launcher: 'Помощь',
      launcherLabel: 'Открыть чат с помощником',
      title: 'Помощник LockerDesk',
      subtitle: 'Отвечаем сразу, круглосуточно',
      close: 'Закрыть чат',
      language: 'Язык чата',
      connecting: 'Подключаемся к чату…',
      errorTitle: 'Не удалось подключиться к чату',
      errorText: 'Проверьте подключение к интернету и попробуйте ещё раз. Если не получается, звоните +370 700 00000 (__BUSINESS_HOURS_RU__).',
      retry: 'Повторить',
      unread: 'Новое сообщение'
    }
  };

  window.LockerDeskI18n = {
    languages: ['lt', 'en', 'ru'],
    defaultLanguage: 'lt',
    locales: { lt: 'lt-LT', en: 'en-US', ru: 'ru-RU' },
    names: { lt: 'Lietuvių', en: 'English', ru: 'Русский' },
    shortNames: { lt: 'LT', en: 'EN', ru: 'RU' },
    page: page,
    widget: widget,
    /** The supported language for a tag like "lt", "en-GB" or "RU"; undefined otherwise. */
    normalize: function (tag) {
      var lang = String(tag || '').slice(0, 2).toLowerCase();
      return Object.prototype.hasOwnProperty.call(widget, lang) ? lang : undefined;
    }
  };
})();
