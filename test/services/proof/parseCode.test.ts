import { parseCode } from '../../../services/proof/parseCode';

describe('parseCode', () => {
  test.each([
    ['123456', '123456'],
    [' 123456 ', '123456'],
    ['123 456', '123456'],
    ['123-456', '123456'],
    ['12 34 56', '123456'],
    ['1 2 3 4 5 6', '123456'],
    ['123.456', '123456'],
    ['123–456', '123456'],
    ['１２３４５６', '123456'],
    ['１２３ ４５６', '123456'],
    ['kodas: 482 913', '482913'],
    ['my code is 048291, thanks', '048291'],
    ['Код 000 111', '000111'],
    ['one two three four five six', '123456'],
    ['Zero one two, three four five', '012345'],
    ['vienas du trys keturi penki šeši', '123456'],
    ['vienas du trys keturi penki sesi', '123456'],
    ['septyni astuoni devyni nulis du trys', '789023'],
    ['один два три четыре пять шесть', '123456'],
    ['ноль ноль семь восемь девять три', '007893'],
    ['odin dva tri chetyre pyat shest', '123456'],
    ['123 four five six', '123456'],
    ['CE482139075LT code 654321', '654321'],
    ['654321 654321', undefined],
    ['654321, 654321 again', undefined],
    ['my phone is 861234567 and the code 112233', '112233'],
  ])('%j -> %s', (text, code) => {
    expect(parseCode(text)).toBe(code);
  });

  test.each([
    [''],
    ['hello'],
    ['12345'],
    ['1234567'],
    ['+37061234567'],
    ['123456 and 654321'],
    ['the code? I did not get one'],
    ['constructor toString valueOf __proto__'],
    ['12:34:56'],
    ['x'.repeat(501) + ' 123456'],
  ])('%j -> not a code', (text) => {
    expect(parseCode(text)).toBeUndefined();
  });

  test('never throws on odd input', () => {
    for (const text of ['\u0000\uffff', '🙂🙂🙂', '٣٤٥٦٧٨', '\n\t', 'a'.repeat(500)]) expect(() => parseCode(text)).not.toThrow();
    expect(parseCode(undefined as unknown as string)).toBeUndefined();
  });
});
