/*
 * Demo help page: translates the page from i18n.js and keeps its language picker and the chat
 * widget (widget.js, loaded async) on the same language, in both directions.
 */
(function () {
  'use strict';
  var i18n = window.LockerDeskI18n;
  var STORAGE_KEY = 'lockerdesk:lang';
  var picker = document.getElementById('site-lang');

  function stored() {
    try {
      return i18n.normalize(localStorage.getItem(STORAGE_KEY));
    } catch (e) {
      return undefined;
    }
  }

  function applyPage(lang) {
    var strings = i18n.page[lang];
    document.documentElement.lang = lang;
    document.title = strings['doc.title'];
    var nodes = document.querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) {
      var text = strings[nodes[i].getAttribute('data-i18n')];
      if (text) nodes[i].textContent = text;
    }
    if (picker.value !== lang) picker.value = lang;
  }

  var current = stored() || i18n.defaultLanguage;
  applyPage(current);

  picker.addEventListener('change', function () {
    var lang = i18n.normalize(picker.value) || i18n.defaultLanguage;
    if (lang === current) return;
    current = lang;
    applyPage(lang);
    try {
      localStorage.setItem(STORAGE_KEY, lang);
    } catch (e) {
      /* private mode: the choice lasts for this page only */
    }
    if (window.LockerDeskWidget) window.LockerDeskWidget.setLanguage(lang);
  });

  window.addEventListener('lockerdesk:languagechange', function (event) {
    var lang = i18n.normalize(event.detail && event.detail.lang);
    if (lang && lang !== current) {
      current = lang;
      applyPage(lang);
    }
  });

  document.getElementById('open-chat').addEventListener('click', function () {
    if (window.LockerDeskWidget) window.LockerDeskWidget.open();
  });
})();
