import { detectCommand, type Command } from '../../../services/nlu/commands';

describe('detectCommand', () => {
  it.each<[string, Command]>([
    ['atšaukti', 'cancel'],
    ['Atsaukti!', 'cancel'],
    ['cancel', 'cancel'],
    ['STOP', 'cancel'],
    ['отмена', 'cancel'],
    ['Отменить', 'cancel'],
    ['стоп', 'cancel'],
    ['iš naujo', 'restart'],
    ['is naujo', 'restart'],
    ['pradėti iš naujo', 'restart'],
    ['start over', 'restart'],
    ['restart', 'restart'],
    ['заново', 'restart'],
    ['начать сначала', 'restart'],
    ['pagalba', 'help'],
    ['help', 'help'],
    ['help please', 'help'],
    ['помощь', 'help'],
    ['bot', 'bot'],
    ['botas', 'bot'],
    ['grįžti pas botą', 'bot'],
    ['grizti pas bota', 'bot'],
    ['бот', 'bot'],
    ['english', { lang: 'en' }],
    ['In English', { lang: 'en' }],
    ['en', { lang: 'en' }],
    ['lietuviškai', { lang: 'lt' }],
    ['lietuviu', { lang: 'lt' }],
    ['LT', { lang: 'lt' }],
    ['по-русски', { lang: 'ru' }],
    ['по русски', { lang: 'ru' }],
    ['русский', { lang: 'ru' }],
    ['ru', { lang: 'ru' }],
    [' Cancel. ', 'cancel'],
  ])('%j -> %j', (text, command) => {
    expect(detectCommand(text)).toEqual(command);
  });

  it.each([
    [''],
    ['kur mano siunta'],
    ['please stop sending me sms, the locker does not open'],
    ['I want to cancel my parcel delivery and get a refund'],
    ['help me find my parcel CE482139075LT'],
    ['CE482139075LT'],
    ['861234567'],
    ['👍'],
    ['stop'.repeat(30)],
  ])('no command in %j', (text) => {
    expect(detectCommand(text)).toBeUndefined();
  });
});
