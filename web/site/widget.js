/*
 * LockerDesk chat widget: paste
 *   <script src="https://bot.example/widget.js" data-lang="lt" async></script>
 * into any page. Everything else (styles, strings, Web Chat, the Direct Line token) is fetched
 * from the origin and path widget.js itself came from; nothing is loaded from a CDN.
 *
 * Attributes: data-lang = lt | en | ru (initial language; a visitor's own later choice wins),
 * data-open = "true" to open the panel at once.
 * API: window.LockerDeskWidget.open() / close() / toggle() / setLanguage('en') / language.
 * Events on window: 'lockerdesk:ready', 'lockerdesk:languagechange' (detail.lang).
 *
 * Styles are namespaced under .ldw instead of a shadow root because Web Chat 4.18 injects its
 * (emotion) styles into document.head, where they would not reach inside a shadow root.
 */
(function () {
  'use strict';
  if (window.LockerDeskWidget) return;

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script || !script.src) return;
  var BASE = new URL('.', script.src).href;
  var WEBCHAT_SRC = BASE + 'webchat/webchat.js?v=__WEBCHAT_VERSION__';
  var KEYS = { visitor: 'lockerdesk:visitor', lang: 'lockerdesk:lang', session: 'lockerdesk:session', open: 'lockerdesk:open' };
  /** Older widgets kept a bare user id, which the server no longer accepts: forgotten on sight. */
  var LEGACY_USER_ID = 'lockerdesk:userId';
  /** A saved conversation is worth resuming while its token may still be refreshed (Direct Line tokens live 30 min). */
  var RESUME_WINDOW_MS = 30 * 60 * 1000;
  var FETCH_TIMEOUT_MS = 10000;
  var STATUS = { online: 2, expiredToken: 3, failedToConnect: 4 };

  var ICON_CHAT =
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9.5L5 21.5V18H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"/></svg>';
  var ICON_CLOSE =
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" d="M6 6l12 12M18 6L6 18"/></svg>';
  var ICON_ERROR =
    '<svg class="ldw-error-icon" viewBox="0 0 48 48" aria-hidden="true" focusable="false"><circle cx="24" cy="24" r="22" fill="#fdf1d6"/><path d="M24 13v14" stroke="#b07a00" stroke-width="4" stroke-linecap="round"/><circle cx="24" cy="34" r="2.6" fill="#b07a00"/></svg>';

  var store = {
    get: function (area, key) {
      try {
        return window[area].getItem(key);
      } catch (e) {
        return null;
      }
    },
    set: function (area, key, value) {
      try {
        if (value === undefined || value === null) window[area].removeItem(key);
        else window[area].setItem(key, value);
      } catch (e) {
        /* storage disabled: the widget still works, it just forgets */
      }
    }
  };

  var scripts = {};
  function loadScript(src) {
    if (!scripts[src]) {
      scripts[src] = new Promise(function (resolve, reject) {
        var el = document.createElement('script');
        el.src = src;
        el.async = true;
        if (script.nonce) el.nonce = script.nonce;
        el.onload = function () {
          resolve();
        };
        el.onerror = function () {
          delete scripts[src];
          el.remove();
          reject(new Error('could not load ' + src));
        };
        document.head.appendChild(el);
      });
    }
    return scripts[src];
  }

  function loadCss(href) {
    return new Promise(function (resolve) {
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.onload = link.onerror = function () {
        resolve();
      };
      document.head.appendChild(link);
    });
  }

  function ensureWebChat() {
    if (window.WebChat && window.WebChat.renderWebChat) return Promise.resolve(window.WebChat);
    return loadScript(WEBCHAT_SRC).then(function () {
      if (!window.WebChat || !window.WebChat.renderWebChat) throw new Error('Web Chat did not load');
      return window.WebChat;
    });
  }

  function postJson(path, body, bearer) {
    var controller = typeof AbortController === 'function' ? new AbortController() : undefined;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, FETCH_TIMEOUT_MS)
      : undefined;
    var headers = { 'Content-Type': 'application/json' };
    if (bearer) headers.Authorization = 'Bearer ' + bearer;
    return fetch(BASE + path, {
      method: 'POST',
      headers: headers,
      body: JSON.stringify(body || {}),
      credentials: 'omit',
      cache: 'no-store',
      signal: controller && controller.signal
    })
      .then(function (res) {
        if (!res.ok) {
          var err = new Error(path + ' answered ' + res.status);
          err.status = res.status;
          throw err;
        }
        return res.json();
      })
      .then(function (reply) {
        if (!reply || typeof reply.token !== 'string' || typeof reply.domain !== 'string' || typeof reply.conversationId !== 'string') {
          throw new Error(path + ' gave no usable token');
        }
        return reply;
      })
      .finally(function () {
        if (timer) clearTimeout(timer);
      });
  }

  function readSession() {
    try {
      var s = JSON.parse(store.get('localStorage', KEYS.session) || 'null');
      if (s && typeof s.token === 'string' && typeof s.conversationId === 'string' && Date.now() - s.savedAt < RESUME_WINDOW_MS) return s;
    } catch (e) {
      /* unreadable: start afresh */
    }
    return undefined;
  }

  /**
   * A token for the visitor's saved conversation when it can still be refreshed, otherwise for a new
   * one. The visitor's identity is the signed credential the server issued (`visitor`): presenting
   * it keeps the same user id; the server replaces anything it did not sign.
   */
  function obtainToken() {
    var saved = readSession();
    store.set('localStorage', LEGACY_USER_ID, null);
    var fresh = function () {
      var visitor = store.get('localStorage', KEYS.visitor);
      var ask = function (credential) {
        return postJson('api/directline/token', credential ? { visitor: credential } : {}).catch(function (err) {
          if (credential && err.status === 400) return ask(undefined);
          throw err;
        });
      };
      return ask(visitor).then(function (reply) {
        if (typeof reply.visitor === 'string' && reply.visitor) store.set('localStorage', KEYS.visitor, reply.visitor);
        return { token: reply.token, domain: reply.domain, conversationId: reply.conversationId, resumed: false };
      });
    };
    if (!saved) return fresh();
    return postJson('api/directline/token/refresh', {}, saved.token).then(
      function (reply) {
        return { token: reply.token, domain: reply.domain, conversationId: saved.conversationId, resumed: true };
      },
      function () {
        store.set('localStorage', KEYS.session, null);
        return fresh();
      }
    );
  }

  function start(i18n) {
    var LOCALES = i18n.locales;
    var state = {
      lang:
        i18n.normalize(store.get('localStorage', KEYS.lang)) ||
        i18n.normalize(script.getAttribute('data-lang')) ||
        i18n.normalize(document.documentElement.lang) ||
        i18n.defaultLanguage,
      open: false,
      /** The live Web Chat (directLine, store, element); replaced on retry or token expiry. */
      chat: undefined,
      /** The connect() in progress; an older one finishing late is ignored. */
      attempt: undefined
    };
    var t = function (key) {
      return i18n.widget[state.lang][key];
    };

    var root = document.createElement('div');
    root.className = 'ldw';
    root.id = 'lockerdesk-widget';
    root.hidden = true;
    root.setAttribute('data-open', 'false');
    root.innerHTML =
      '<button type="button" class="ldw-launcher" aria-expanded="false" aria-controls="ldw-panel">' +
      ICON_CHAT +
      '<span class="ldw-launcher-text"></span><span class="ldw-badge"></span></button>' +
      '<section class="ldw-panel" id="ldw-panel" role="dialog" aria-labelledby="ldw-title">' +
      '<header class="ldw-header"><img alt="" width="40" height="40">' +
      '<div class="ldw-heading"><h2 class="ldw-title" id="ldw-title"></h2><span class="ldw-subtitle"></span></div>' +
      '<select class="ldw-lang"></select>' +
      '<button type="button" class="ldw-close">' +
      ICON_CLOSE +
      '</button></header>' +
      '<div class="ldw-body" data-status="idle">' +
      '<div class="ldw-webchat"></div>' +
      '<div class="ldw-status" role="status" aria-live="polite"><div class="ldw-spinner"></div>' +
      ICON_ERROR +
      '<p class="ldw-status-title"></p><p class="ldw-status-text"></p>' +
      '<button type="button" class="ldw-retry"></button></div>' +
      '</div></section>';

    var q = function (sel) {
      return root.querySelector(sel);
    };
    var launcher = q('.ldw-launcher');
    var panel = q('.ldw-panel');
    var body = q('.ldw-body');
    var langSelect = q('.ldw-lang');
    var webchatHost = q('.ldw-webchat');
    q('.ldw-header img').src = BASE + 'site/assets/bot-avatar.svg';
    i18n.languages.forEach(function (lang) {
      var option = document.createElement('option');
      option.value = lang;
      option.lang = lang;
      option.textContent = i18n.shortNames[lang];
      option.title = i18n.names[lang];
      langSelect.appendChild(option);
    });

    function applyChrome() {
      root.lang = state.lang;
      q('.ldw-launcher-text').textContent = t('launcher');
      launcher.setAttribute('aria-label', t('launcherLabel'));
      q('.ldw-badge').title = t('unread');
      q('.ldw-title').textContent = t('title');
      q('.ldw-subtitle').textContent = t('subtitle');
      q('.ldw-close').setAttribute('aria-label', t('close'));
      q('.ldw-close').title = t('close');
      langSelect.setAttribute('aria-label', t('language'));
      langSelect.value = state.lang;
      q('.ldw-retry').textContent = t('retry');
      renderStatus();
    }

    function renderStatus() {
      var status = body.getAttribute('data-status');
      q('.ldw-status-title').textContent = status === 'error' ? t('errorTitle') : status === 'connecting' ? t('connecting') : '';
      q('.ldw-status-text').textContent = status === 'error' ? t('errorText') : '';
    }

    function setStatus(status) {
      body.setAttribute('data-status', status);
      renderStatus();
      if (status === 'error' && state.open) q('.ldw-retry').focus();
    }

    function focusSendBox() {
      var input = webchatHost.querySelector('input[type="text"], textarea');
      if (input) input.focus();
    }

    function saveSession(chat) {
      if (chat !== state.chat || !chat.connected) return;
      var token = chat.directLine.token || chat.token;
      store.set(
        'localStorage',
        KEYS.session,
        JSON.stringify({ conversationId: chat.conversationId, token: token, savedAt: Date.now() })
      );
    }

    function dropChat() {
      var chat = state.chat;
      state.chat = undefined;
      if (chat) {
        try {
          chat.directLine.end();
        } catch (e) {
          /* already ended */
        }
        if (chat.el.parentNode) chat.el.parentNode.removeChild(chat.el);
      }
    }

    function fail(chat, err) {
      if (chat && chat !== state.chat) return;
      if (err && window.console) console.warn('LockerDesk widget:', err.message || err);
      dropChat();
      setStatus('error');
    }

    function renderChat(chat) {
      chat.WebChat.renderWebChat(
        {
          directLine: chat.directLine,
          store: chat.store,
          locale: LOCALES[state.lang],
          sendTypingIndicator: true,
          styleOptions: {
            accent: '#0b5d5b',
            backgroundColor: '#f4f8f8',
            primaryFont: '"Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
            avatarSize: 36,
            botAvatarImage: BASE + 'site/assets/bot-avatar.svg',
            botAvatarInitials: 'LD',
            botAvatarBackgroundColor: '#0b5d5b',
            bubbleMaxWidth: 290,
            bubbleMinWidth: 200,
            bubbleBackground: '#ffffff',
            bubbleBorderColor: '#d7e3e2',
            bubbleBorderWidth: 1,
            bubbleBorderRadius: 12,
            bubbleTextColor: '#1c2b2a',
            bubbleFromUserBackground: '#0b5d5b',
            bubbleFromUserBorderColor: '#0b5d5b',
            bubbleFromUserBorderRadius: 12,
            bubbleFromUserTextColor: '#ffffff',
            hideUploadButton: false,
            uploadAccept: 'image/jpeg,image/png,image/gif,image/webp,application/pdf',
            uploadMultiple: false,
            suggestedActionLayout: 'flow',
            suggestedActionBackgroundColor: '#ffffff',
            suggestedActionBorderColor: '#0b5d5b',
            suggestedActionBorderRadius: 18,
            suggestedActionBorderWidth: 1,
            suggestedActionTextColor: '#0b5d5b',
            suggestedActionHeight: 36,
            richCardWrapTitle: true,
            sendBoxButtonColor: '#0b5d5b',
            sendBoxButtonColorOnHover: '#07403f',
            timestampColor: '#586867'
          }
        },
        chat.el
      );
    }

    function connect() {
      dropChat();
      setStatus('connecting');
      var attempt = {};
      state.attempt = attempt;
      Promise.all([ensureWebChat(), obtainToken()])
        .then(function (results) {
          if (state.attempt !== attempt) return;
          var WebChat = results[0];
          var token = results[1];
          var chat = {
            WebChat: WebChat,
            token: token.token,
            conversationId: token.conversationId,
            connected: false,
            switched: false,
            el: document.createElement('div')
          };
          chat.directLine = WebChat.createDirectLine({
            domain: token.domain,
            token: token.token,
            conversationId: token.resumed ? token.conversationId : undefined,
            conversationStartProperties: { locale: LOCALES[state.lang] }
          });
          chat.store = WebChat.createStore({}, function (api) {
            return function (next) {
              return function (action) {
                return next(onAction(chat, api, action));
              };
            };
          });
          state.chat = chat;
          webchatHost.appendChild(chat.el);
          renderChat(chat);
        })
        .catch(function (err) {
          if (state.attempt === attempt) fail(undefined, err);
        });
    }

    /** Web Chat store middleware: announces the language, stamps the locale, follows the connection. */
    function onAction(chat, api, action) {
      if (chat !== state.chat) return action;
      var payload = action.payload || {};
      switch (action.type) {
        case 'DIRECT_LINE/CONNECT_FULFILLED':
          chat.connected = true;
          if (chat.directLine.conversationId) chat.conversationId = chat.directLine.conversationId;
          setStatus('ready');
          saveSession(chat);
          api.dispatch({
            type: 'WEB_CHAT/SEND_EVENT',
            payload: { name: 'webchat/join', value: { language: state.lang, locale: LOCALES[state.lang] } }
          });
          if (chat.switched) sendLanguage(chat);
          if (state.open) setTimeout(focusSendBox, 0);
          break;
        case 'DIRECT_LINE/CONNECT_REJECTED':
          setTimeout(function () {
            fail(chat, new Error('Direct Line connection rejected'));
          }, 0);
          break;
        case 'DIRECT_LINE/UPDATE_CONNECTION_STATUS':
        case 'DIRECT_LINE/CONNECTION_STATUS_UPDATE':
          if (payload.connectionStatus === STATUS.expiredToken) {
            // Asleep past the token's life: the refresh Direct Line runs every 15 min could not run.
            store.set('localStorage', KEYS.session, null);
            setTimeout(connect, 0);
          } else if (payload.connectionStatus === STATUS.failedToConnect) {
            setTimeout(function () {
              fail(chat, new Error('Direct Line failed to connect'));
            }, 0);
          } else if (payload.connectionStatus === STATUS.online) {
            saveSession(chat);
          }
          break;
        case 'DIRECT_LINE/POST_ACTIVITY':
          if (payload.activity) {
            return Object.assign({}, action, {
              payload: Object.assign({}, payload, { activity: Object.assign({}, payload.activity, { locale: LOCALES[state.lang] }) })
            });
          }
          break;
        case 'DIRECT_LINE/INCOMING_ACTIVITY':
          var activity = payload.activity || {};
          if (!state.open && activity.type === 'message' && activity.from && activity.from.role === 'bot') {
            root.setAttribute('data-unread', 'true');
          }
          break;
      }
      return action;
    }

    function sendLanguage(chat) {
      chat.switched = false;
      chat.store.dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'setLanguage', value: { language: state.lang } } });
    }

    function open() {
      if (state.open) return;
      state.open = true;
      root.setAttribute('data-open', 'true');
      root.setAttribute('data-unread', 'false');
      launcher.setAttribute('aria-expanded', 'true');
      store.set('sessionStorage', KEYS.open, '1');
      var status = body.getAttribute('data-status');
      if (!state.chat && status !== 'connecting') connect();
      else if (status === 'error') q('.ldw-retry').focus();
      else setTimeout(focusSendBox, 0);
    }

    function close() {
      if (!state.open) return;
      state.open = false;
      root.setAttribute('data-open', 'false');
      launcher.setAttribute('aria-expanded', 'false');
      store.set('sessionStorage', KEYS.open, null);
      launcher.focus();
    }

    function setLanguage(tag) {
      var lang = i18n.normalize(tag);
      if (!lang || lang === state.lang) return;
      state.lang = lang;
      store.set('localStorage', KEYS.lang, lang);
      applyChrome();
      var chat = state.chat;
      if (chat) {
        renderChat(chat);
        if (chat.connected) sendLanguage(chat);
        else chat.switched = true;
      }
      window.dispatchEvent(new CustomEvent('lockerdesk:languagechange', { detail: { lang: lang } }));
    }

    launcher.addEventListener('click', open);
    q('.ldw-close').addEventListener('click', close);
    q('.ldw-retry').addEventListener('click', connect);
    langSelect.addEventListener('change', function () {
      setLanguage(langSelect.value);
    });
    panel.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') close();
    });
    var persist = function () {
      if (state.chat) saveSession(state.chat);
    };
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'hidden') persist();
    });
    window.addEventListener('pagehide', persist);

    applyChrome();
    document.body.appendChild(root);

    window.LockerDeskWidget = {
      open: open,
      close: close,
      toggle: function () {
        if (state.open) close();
        else open();
      },
      setLanguage: setLanguage,
      get language() {
        return state.lang;
      }
    };
    window.dispatchEvent(new CustomEvent('lockerdesk:ready', { detail: { lang: state.lang } }));
    if (script.getAttribute('data-open') === 'true' || store.get('sessionStorage', KEYS.open) === '1') open();
    return root;
  }

  var ready = new Promise(function (resolve) {
    if (document.body) resolve();
    else document.addEventListener('DOMContentLoaded', resolve);
  });
  var strings = window.LockerDeskI18n ? Promise.resolve() : loadScript(BASE + 'site/assets/i18n.js');
  var styles = loadCss(BASE + 'site/assets/widget.css');

  Promise.all([strings, ready])
    .then(function () {
      var root = start(window.LockerDeskI18n);
      return styles.then(function () {
        root.hidden = false;
      });
    })
    .catch(function (err) {
      if (window.console) console.warn('LockerDesk widget could not start:', err.message || err);
    });
})();
