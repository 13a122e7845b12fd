/**
 * A small structural parser for Bicep, so tests can check `deploymentTemplates/main.bicep` without
 * the Bicep compiler (which the CLI downloads as a binary; test machines have no network for it).
 *
 * What it promises: it reads the subset of Bicep the template uses — `targetScope`, `metadata`,
 * decorated `param`s, `var`s, `resource`s (`'Type@version'`, `existing`, `if (…)`, `[for …]`),
 * `module`s and `output`s — into a syntax tree of expressions (strings with their `${…}`
 * interpolations, objects, arrays, loops, member/index access, calls, lambdas, operators). It throws
 * a {@link BicepSyntaxError} naming the line on anything else: an unbalanced brace, bracket or
 * parenthesis, an unterminated string or comment, an unknown top-level statement, a malformed
 * resource type, a duplicate symbol. It does not type-check and knows no resource schemas: passing
 * it means "Bicep-shaped", not "deploys".
 *
 * @example
 * const file = parseBicep(readFileSync('deploymentTemplates/main.bicep', 'utf8'));
 * const web = file.resources.find((r) => r.type === 'Microsoft.Web/sites');
 * literal(path(web.body, 'properties', 'httpsOnly')); // true
 */

export class BicepSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'BicepSyntaxError';
  }
}

// ---- syntax tree ----

export type Expr =
  | { kind: 'string'; parts: Array<string | Expr>; line: number }
  | { kind: 'number'; value: number; line: number }
  | { kind: 'bool'; value: boolean; line: number }
  | { kind: 'null'; line: number }
  | { kind: 'ident'; name: string; line: number }
  | { kind: 'object'; entries: ObjectEntry[]; line: number }
  | { kind: 'array'; items: Expr[]; line: number }
  | { kind: 'for'; item: string; index?: string; source: Expr; condition?: Expr; body: Expr; line: number }
  | { kind: 'member'; object: Expr; property: string; safe: boolean; line: number }
  | { kind: 'index'; object: Expr; index: Expr; safe: boolean; line: number }
  | { kind: 'call'; callee: Expr; args: Expr[]; line: number }
  | { kind: 'nonNull'; operand: Expr; line: number }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; line: number }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; line: number }
  | { kind: 'ternary'; condition: Expr; then: Expr; else: Expr; line: number }
  | { kind: 'lambda'; params: string[]; body: Expr; line: number };

export interface ObjectEntry {
  /** A plain key, or the expression of an interpolated one (`'${id}': {}`). */
  key: string | Expr;
  value: Expr;
  line: number;
}

export interface Decorator {
  name: string;
  args: Expr[];
  line: number;
}

export interface Param {
  name: string;
  /** `string`, `int`, `bool`, `object`, `array`, possibly with `[]` or `?`. */
  type: string;
  decorators: Decorator[];
  secure: boolean;
  default?: Expr;
  line: number;
}

export interface Variable {
  name: string;
  value: Expr;
  decorators: Decorator[];
  line: number;
}

export interface Resource {
  symbol: string;
  /** `Microsoft.Web/sites` */
  type: string;
  /** `2024-11-01` or `2021-05-01-preview` */
  apiVersion: string;
  existing: boolean;
  /** `if (…)` of a conditional resource. */
  condition?: Expr;
  /** `[for … in …]` of a resource loop; `body` is then the loop's body. */
  loop?: { item: string; index?: string; source: Expr };
  body: Expr;
  decorators: Decorator[];
  line: number;
}

export interface Module {
  symbol: string;
  path: string;
  body: Expr;
  line: number;
}

export interface Output {
  name: string;
  type: string;
  value: Expr;
  decorators: Decorator[];
  line: number;
}

export interface BicepFile {
  targetScope?: string;
  params: Param[];
  vars: Variable[];
  resources: Resource[];
  modules: Module[];
  outputs: Output[];
}

// ---- lexer ----

type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'newline' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  /** Strings: literal pieces and the source text of each interpolation, in order. */
  pieces?: Array<{ literal: string } | { source: string; line: number }>;
}

const PUNCTUATION = ['=>', '==', '!=', '=~', '!~', '<=', '>=', '&&', '||', '??', '.?', '::', '{', '}', '[', ']', '(', ')', ',', ':', '.', '?', '!', '=', '<', '>', '+', '-', '*', '/', '%', '@'];
const CLOSER: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

function lex(source: string, firstLine = 1): Token[] {
  const tokens: Token[] = [];
  const stack: Array<{ open: string; line: number }> = [];
  let i = 0;
  let line = firstLine;
  const push = (kind: TokenKind, text: string, extra: Partial<Token> = {}) => tokens.push({ kind, text, line, ...extra });

  while (i < source.length) {
    const c = source[i];
    if (c === '\n') {
      push('newline', '\n');
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) throw new BicepSyntaxError('unterminated /* comment', line);
      for (let k = i; k < end; k++) if (source[k] === '\n') line++;
      i = end + 2;
      continue;
    }
    if (source.startsWith("'''", i)) {
      const end = source.indexOf("'''", i + 3);
      if (end < 0) throw new BicepSyntaxError("unterminated ''' string", line);
      const text = source.slice(i + 3, end);
      push('string', text, { pieces: [{ literal: text }] });
      for (const ch of text) if (ch === '\n') line++;
      i = end + 3;
      continue;
    }
    if (c === "'") {
      const startLine = line;
      const pieces: NonNullable<Token['pieces']> = [];
      let literal = '';
      i++;
      for (;;) {
        if (i >= source.length || source[i] === '\n') throw new BicepSyntaxError('unterminated string', startLine);
        const ch = source[i];
        if (ch === '\\') {
          const next = source[i + 1];
          const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };
          if (next === undefined || !(next in escapes)) throw new BicepSyntaxError(`unknown escape \\${next ?? ''} in a string`, line);
          literal += escapes[next];
          i += 2;
          continue;
        }
        if (ch === "'") {
          i++;
          break;
        }
        if (ch === '$' && source[i + 1] === '{') {
          if (literal) pieces.push({ literal });
          literal = '';
          const end = matchingBrace(source, i + 1, line);
          pieces.push({ source: source.slice(i + 2, end), line });
          i = end + 1;
          continue;
        }
        literal += ch;
        i++;
      }
      if (literal || pieces.length === 0) pieces.push({ literal });
      push('string', source.slice(0, 0), { pieces, line: startLine });
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < source.length && /[0-9.]/.test(source[j])) j++;
      push('number', source.slice(i, j));
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j])) j++;
      push('ident', source.slice(i, j));
      i = j;
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (!punct) throw new BicepSyntaxError(`unexpected character "${c}"`, line);
    if (punct in CLOSER) stack.push({ open: punct, line });
    if (punct === '}' || punct === ']' || punct === ')') {
      const open = stack.pop();
      if (!open) throw new BicepSyntaxError(`unbalanced "${punct}" (nothing is open)`, line);
      if (CLOSER[open.open] !== punct) throw new BicepSyntaxError(`"${punct}" closes "${open.open}" opened on line ${open.line}`, line);
    }
    push('punct', punct);
    i += punct.length;
  }
  const open = stack.pop();
  if (open) throw new BicepSyntaxError(`"${open.open}" is never closed`, open.line);
  push('eof', '');
  return tokens;
}

/** Index of the `}` closing the `{` at `open`, skipping nested strings and braces. */
function matchingBrace(source: string, open: number, line: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    const ch = source[i];
    if (ch === '\n') throw new BicepSyntaxError('an interpolation ${…} must end on its line', line);
    if (ch === "'") {
      i++;
      while (i < source.length && source[i] !== "'") {
        if (source[i] === '\\') i++;
        else if (source[i] === '$' && source[i + 1] === '{') i = matchingBrace(source, i + 1, line);
        else if (source[i] === '\n') throw new BicepSyntaxError('unterminated string in an interpolation', line);
        i++;
      }
      continue;
    }
    if (ch === '{') depth++;
    if (ch === '}' && --depth === 0) return i;
  }
  throw new BicepSyntaxError('unterminated interpolation ${…}', line);
}

// ---- parser ----

const TOP_LEVEL = new Set(['targetScope', 'metadata', 'param', 'var', 'resource', 'module', 'output']);

class Parser {
  private pos = 0;
  /** Depth of (…) around the current position: newlines inside parentheses are insignificant. */
  private parens = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    let k = this.pos;
    let seen = 0;
    for (;;) {
      const t = this.tokens[k];
      if (this.parens > 0 && t.kind === 'newline') {
        k++;
        continue;
      }
      if (seen === offset || t.kind === 'eof') return t;
      seen++;
      k++;
    }
  }

  private next(): Token {
    while (this.parens > 0 && this.tokens[this.pos].kind === 'newline') this.pos++;
    const t = this.tokens[this.pos];
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isPunct(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.text === text;
  }

  private isIdent(text?: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && (text === undefined || t.text === text);
  }

  private expectPunct(text: string): Token {
    const t = this.next();
    if (t.kind !== 'punct' || t.text !== text) throw new BicepSyntaxError(`expected "${text}", found ${describe(t)}`, t.line);
    return t;
  }

  private expectIdent(what: string): Token {
    const t = this.next();
    if (t.kind !== 'ident') throw new BicepSyntaxError(`expected ${what}, found ${describe(t)}`, t.line);
    return t;
  }

  private skipNewlines(): void {
    while (this.tokens[this.pos].kind === 'newline') this.pos++;
  }

  private endOfStatement(): void {
    const t = this.next();
    if (t.kind !== 'newline' && t.kind !== 'eof') throw new BicepSyntaxError(`expected the end of the line, found ${describe(t)}`, t.line);
  }

  parseFile(): BicepFile {
    const file: BicepFile = { params: [], vars: [], resources: [], modules: [], outputs: [] };
    const symbols = new Map<string, number>();
    const declare = (name: string, line: number) => {
      const earlier = symbols.get(name);
      if (earlier !== undefined) throw new BicepSyntaxError(`"${name}" is already declared on line ${earlier}`, line);
      symbols.set(name, line);
    };
    for (;;) {
      this.skipNewlines();
      const decorators: Decorator[] = [];
      while (this.isPunct('@')) {
        decorators.push(this.parseDecorator());
        this.skipNewlines();
      }
      const t = this.next();
      if (t.kind === 'eof') {
        if (decorators.length) throw new BicepSyntaxError('decorators without a declaration', decorators[0].line);
        return file;
      }
      if (t.kind !== 'ident' || !TOP_LEVEL.has(t.text)) throw new BicepSyntaxError(`unknown top-level statement starting with ${describe(t)}`, t.line);
      switch (t.text) {
        case 'targetScope': {
          this.expectPunct('=');
          const scope = this.parseExpr();
          file.targetScope = literalString(scope);
          if (file.targetScope === undefined) throw new BicepSyntaxError('targetScope must be a string literal', t.line);
          break;
        }
        case 'metadata': {
          this.expectIdent('a metadata name');
          this.expectPunct('=');
          this.parseExpr();
          break;
        }
        case 'param': {
          const name = this.expectIdent('a parameter name').text;
          declare(name, t.line);
          const type = this.parseType();
          let def: Expr | undefined;
          if (this.isPunct('=')) {
            this.next();
            def = this.parseExpr();
          }
          file.params.push({ name, type, decorators, secure: decorators.some((d) => d.name === 'secure'), default: def, line: t.line });
          break;
        }
        case 'var': {
          const name = this.expectIdent('a variable name').text;
          declare(name, t.line);
          this.expectPunct('=');
          file.vars.push({ name, value: this.parseExpr(), decorators, line: t.line });
          break;
        }
        case 'resource': {
          const symbol = this.expectIdent('a resource symbol').text;
          declare(symbol, t.line);
          const typeToken = this.next();
          const typeText = typeToken.kind === 'string' ? stringTokenLiteral(typeToken) : undefined;
          const m = typeText === undefined ? null : /^([A-Za-z0-9]+\.[A-Za-z0-9.]+(?:\/[A-Za-z0-9]+)+)@(\d{4}-\d{2}-\d{2}(?:-[a-z]+)?)$/.exec(typeText);
          if (!m) throw new BicepSyntaxError(`resource ${symbol}: expected 'Namespace/type@yyyy-mm-dd', found ${describe(typeToken)}`, typeToken.line);
          let existing = false;
          if (this.isIdent('existing')) {
            this.next();
            existing = true;
          }
          this.expectPunct('=');
          const { body, condition, loop } = this.parseResourceBody(symbol);
          file.resources.push({ symbol, type: m[1], apiVersion: m[2], existing, condition, loop, body, decorators, line: t.line });
          break;
        }
        case 'module': {
          const symbol = this.expectIdent('a module symbol').text;
          declare(symbol, t.line);
          const pathToken = this.next();
          const path = pathToken.kind === 'string' ? stringTokenLiteral(pathToken) : undefined;
          if (path === undefined) throw new BicepSyntaxError(`module ${symbol}: expected a path string`, pathToken.line);
          this.expectPunct('=');
          file.modules.push({ symbol, path, body: this.parseResourceBody(symbol).body, line: t.line });
          break;
        }
        case 'output': {
          const name = this.expectIdent('an output name').text;
          const type = this.parseType();
          this.expectPunct('=');
          file.outputs.push({ name, type, value: this.parseExpr(), decorators, line: t.line });
          break;
        }
      }
      this.endOfStatement();
    }
  }

  private parseDecorator(): Decorator {
    const at = this.expectPunct('@');
    let name = this.expectIdent('a decorator name').text;
    if (this.isPunct('.')) {
      this.next();
      name = this.expectIdent('a decorator name').text; // sys.description → description
    }
    const args = this.isPunct('(') ? this.parseArgs() : [];
    const t = this.next();
    if (t.kind !== 'newline') throw new BicepSyntaxError(`a decorator must end its line, found ${describe(t)}`, t.line);
    return { name, args, line: at.line };
  }

  private parseType(): string {
    let type = this.expectIdent('a type').text;
    if (this.isPunct('[') && this.isPunct(']', 1)) {
      this.next();
      this.next();
      type += '[]';
    }
    if (this.isPunct('?')) {
      this.next();
      type += '?';
    }
    return type;
  }

  private parseResourceBody(symbol: string): { body: Expr; condition?: Expr; loop?: Resource['loop'] } {
    if (this.isIdent('if')) {
      this.next();
      const condition = this.parseParenthesised();
      return { body: this.parseObjectOrFail(symbol), condition };
    }
    if (this.isPunct('[') && this.isIdent('for', 1)) {
      const loop = this.parsePrimary();
      if (loop.kind !== 'for' || loop.body.kind !== 'object') throw new BicepSyntaxError(`resource ${symbol}: a loop's body must be an object`, loop.line);
      return { body: loop.body, condition: loop.condition, loop: { item: loop.item, index: loop.index, source: loop.source } };
    }
    return { body: this.parseObjectOrFail(symbol) };
  }

  private parseObjectOrFail(symbol: string): Expr {
    if (!this.isPunct('{')) throw new BicepSyntaxError(`resource ${symbol}: expected "{"`, this.peek().line);
    return this.parsePrimary();
  }

  private parseParenthesised(): Expr {
    this.expectPunct('(');
    this.parens++;
    const e = this.parseExpr();
    this.parens--;
    this.expectPunct(')');
    return e;
  }

  private parseArgs(): Expr[] {
    this.expectPunct('(');
    this.parens++;
    const args: Expr[] = [];
    while (!this.isPunct(')')) {
      args.push(this.parseExpr());
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct(')')) {
        const t = this.peek();
        throw new BicepSyntaxError(`expected "," or ")" in an argument list, found ${describe(t)}`, t.line);
      }
    }
    this.parens--;
    this.expectPunct(')');
    return args;
  }

  parseExpr(): Expr {
    if (this.isLambdaAhead()) return this.parseLambda();
    const condition = this.parseBinary(0);
    if (this.isPunct('?')) {
      this.next();
      const then = this.parseExpr();
      this.expectPunct(':');
      const otherwise = this.parseExpr();
      return { kind: 'ternary', condition, then, else: otherwise, line: condition.line };
    }
    return condition;
  }

  private isLambdaAhead(): boolean {
    if (this.isIdent() && this.isPunct('=>', 1)) return true;
    if (!this.isPunct('(')) return false;
    let k = 1;
    while (this.isIdent(undefined, k) && (this.isPunct(',', k + 1) || this.isPunct(')', k + 1))) {
      if (this.isPunct(')', k + 1)) return this.isPunct('=>', k + 2);
      k += 2;
    }
    return this.isPunct(')', 1) && this.isPunct('=>', 2);
  }

  private parseLambda(): Expr {
    const line = this.peek().line;
    const params: string[] = [];
    if (this.isIdent()) params.push(this.next().text);
    else {
      this.expectPunct('(');
      while (!this.isPunct(')')) {
        params.push(this.expectIdent('a lambda parameter').text);
        if (this.isPunct(',')) this.next();
      }
      this.expectPunct(')');
    }
    this.expectPunct('=>');
    return { kind: 'lambda', params, body: this.parseExpr(), line };
  }

  private static readonly LEVELS: string[][] = [['??'], ['||'], ['&&'], ['==', '!=', '=~', '!~'], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

  private parseBinary(level: number): Expr {
    if (level === Parser.LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct' || !Parser.LEVELS[level].includes(t.text)) return left;
      this.next();
      const right = this.parseBinary(level + 1);
      left = { kind: 'binary', op: t.text, left, right, line: t.line };
    }
  }

  private parseUnary(): Expr {
    if (this.isPunct('!') || this.isPunct('-')) {
      const t = this.next();
      return { kind: 'unary', op: t.text === '!' ? '!' : '-', operand: this.parseUnary(), line: t.line };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(start: Expr): Expr {
    let e = start;
    for (;;) {
      if (this.isPunct('.') || this.isPunct('.?')) {
        const safe = this.next().text === '.?';
        const name = this.expectIdent('a property name');
        e = { kind: 'member', object: e, property: name.text, safe, line: name.line };
      } else if (this.isPunct('[') && this.tokens[this.pos].kind !== 'newline') {
        const open = this.next();
        let safe = false;
        if (this.isPunct('?')) {
          this.next();
          safe = true;
        }
        this.parens++;
        const index = this.parseExpr();
        this.parens--;
        this.expectPunct(']');
        e = { kind: 'index', object: e, index, safe, line: open.line };
      } else if (this.isPunct('(') && this.tokens[this.pos].kind !== 'newline' && (e.kind === 'ident' || e.kind === 'member')) {
        e = { kind: 'call', callee: e, args: this.parseArgs(), line: e.line };
      } else if (this.isPunct('!') && this.tokens[this.pos].kind === 'punct') {
        const t = this.next();
        e = { kind: 'nonNull', operand: e, line: t.line };
      } else if (this.isPunct('::')) {
        this.next();
        const name = this.expectIdent('a nested resource name');
        e = { kind: 'member', object: e, property: name.text, safe: false, line: name.line };
      } else {
        return e;
      }
    }
  }

  private parsePrimary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        if (!/^\d+$/.test(t.text)) throw new BicepSyntaxError(`Bicep has integers only, found ${t.text}`, t.line);
        return { kind: 'number', value: Number(t.text), line: t.line };
      case 'string':
        return this.stringExpr(t);
      case 'ident':
        if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true', line: t.line };
        if (t.text === 'null') return { kind: 'null', line: t.line };
        return { kind: 'ident', name: t.text, line: t.line };
      case 'punct':
        if (t.text === '(') {
          this.parens++;
          const e = this.parseExpr();
          this.parens--;
          this.expectPunct(')');
          return e;
        }
        if (t.text === '{') return this.parseObjectRest(t.line);
        if (t.text === '[') return this.parseArrayRest(t.line);
        break;
      default:
        break;
    }
    throw new BicepSyntaxError(`expected an expression, found ${describe(t)}`, t.line);
  }

  private stringExpr(t: Token): Expr {
    const parts = (t.pieces ?? []).map((p) => ('literal' in p ? p.literal : parseExpression(p.source, p.line)));
    return { kind: 'string', parts, line: t.line };
  }

  /** Objects: entries separated by newlines (or commas on one line), keys plain or quoted. */
  private parseObjectRest(line: number): Expr {
    const saved = this.parens;
    this.parens = 0;
    const entries: ObjectEntry[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.isPunct('}')) break;
      const k = this.next();
      let key: string | Expr;
      if (k.kind === 'ident') key = k.text;
      else if (k.kind === 'string') {
        const s = this.stringExpr(k);
        key = literalString(s) ?? s;
      } else throw new BicepSyntaxError(`expected a property name, found ${describe(k)}`, k.line);
      this.expectPunct(':');
      entries.push({ key, value: this.parseExpr(), line: k.line });
      const after = this.peek();
      if (!(after.kind === 'newline' || (after.kind === 'punct' && (after.text === ',' || after.text === '}')))) {
        throw new BicepSyntaxError(`expected a new line, "," or "}" after a property, found ${describe(after)}`, after.line);
      }
    }
    this.expectPunct('}');
    this.parens = saved;
    return { kind: 'object', entries, line };
  }

  /** Arrays and loops: `[a\n b]`, `[a, b]`, `[for x in xs: …]`, `[for (x, i) in xs: if (c) {…}]`. */
  private parseArrayRest(line: number): Expr {
    const saved = this.parens;
    this.parens = 0;
    this.skipNewlines();
    if (this.isIdent('for')) {
      this.next();
      let item: string;
      let index: string | undefined;
      if (this.isPunct('(')) {
        this.next();
        item = this.expectIdent('a loop variable').text;
        this.expectPunct(',');
        index = this.expectIdent('a loop index').text;
        this.expectPunct(')');
      } else item = this.expectIdent('a loop variable').text;
      const inToken = this.expectIdent('"in"');
      if (inToken.text !== 'in') throw new BicepSyntaxError(`expected "in", found ${describe(inToken)}`, inToken.line);
      const source = this.parseExpr();
      this.expectPunct(':');
      let condition: Expr | undefined;
      if (this.isIdent('if')) {
        this.next();
        condition = this.parseParenthesised();
      }
      const body = this.parseExpr();
      this.skipNewlines();
      this.expectPunct(']');
      this.parens = saved;
      return { kind: 'for', item, index, source, condition, body, line };
    }
    const items: Expr[] = [];
    for (;;) {
      this.skipSeparators();
      if (this.isPunct(']')) break;
      items.push(this.parseExpr());
      const after = this.peek();
      if (!(after.kind === 'newline' || (after.kind === 'punct' && (after.text === ',' || after.text === ']')))) {
        throw new BicepSyntaxError(`expected a new line, "," or "]" after an array item, found ${describe(after)}`, after.line);
      }
    }
    this.expectPunct(']');
    this.parens = saved;
    return { kind: 'array', items, line };
  }

  private skipSeparators(): void {
    while (this.tokens[this.pos].kind === 'newline' || (this.tokens[this.pos].kind === 'punct' && this.tokens[this.pos].text === ',')) this.pos++;
  }

  atEnd(): boolean {
    this.skipNewlines();
    return this.tokens[this.pos].kind === 'eof';
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the file';
  if (t.kind === 'newline') return 'the end of the line';
  if (t.kind === 'string') return 'a string';
  return `"${t.text}"`;
}

function stringTokenLiteral(t: Token): string | undefined {
  const pieces = t.pieces ?? [];
  return pieces.every((p) => 'literal' in p) ? pieces.map((p) => ('literal' in p ? p.literal : '')).join('') : undefined;
}

/** Parses a whole Bicep file; throws {@link BicepSyntaxError} when it is not Bicep-shaped. */
export function parseBicep(source: string): BicepFile {
  return new Parser(lex(source)).parseFile();
}

/** Parses one expression (e.g. the inside of an interpolation). */
export function parseExpression(source: string, line = 1): Expr {
  const parser = new Parser(lex(source, line));
  const e = parser.parseExpr();
  if (!parser.atEnd()) throw new BicepSyntaxError('unexpected text after an expression', line);
  return e;
}

// ---- helpers for tests ----

/** The string a literal (uninterpolated) string expression holds, else undefined. */
export function literalString(e: Expr | undefined): string | undefined {
  if (!e || e.kind !== 'string') return undefined;
  return e.parts.every((p) => typeof p === 'string') ? e.parts.join('') : undefined;
}

/** The value of a literal string, number, bool or null, else undefined. */
export function literal(e: Expr | undefined): string | number | boolean | null | undefined {
  if (!e) return undefined;
  if (e.kind === 'number' || e.kind === 'bool') return e.value;
  if (e.kind === 'null') return null;
  return literalString(e);
}

/** The entry `key` of an object expression. */
export function entry(e: Expr | undefined, key: string): Expr | undefined {
  if (!e || e.kind !== 'object') return undefined;
  return e.entries.find((x) => x.key === key)?.value;
}

/** Follows object keys: `path(resource.body, 'properties', 'siteConfig', 'minTlsVersion')`. */
export function path(e: Expr | undefined, ...keys: string[]): Expr | undefined {
  return keys.reduce<Expr | undefined>((cur, key) => entry(cur, key), e);
}

/** The name of a call (`listKeys` in `redis.listKeys()`, `union` in `union(a, b)`). */
export function callName(e: Expr): string | undefined {
  if (e.kind !== 'call') return undefined;
  if (e.callee.kind === 'ident') return e.callee.name;
  if (e.callee.kind === 'member') return e.callee.property;
  return undefined;
}

/** Every sub-expression of `e`, `e` first (interpolations, entries, arguments, branches, bodies). */
export function* walk(e: Expr): Generator<Expr> {
  yield e;
  switch (e.kind) {
    case 'string':
      for (const p of e.parts) if (typeof p !== 'string') yield* walk(p);
      break;
    case 'object':
      for (const x of e.entries) {
        if (typeof x.key !== 'string') yield* walk(x.key);
        yield* walk(x.value);
      }
      break;
    case 'array':
      for (const x of e.items) yield* walk(x);
      break;
    case 'for':
      yield* walk(e.source);
      if (e.condition) yield* walk(e.condition);
      yield* walk(e.body);
      break;
    case 'member':
      yield* walk(e.object);
      break;
    case 'index':
      yield* walk(e.object);
      yield* walk(e.index);
      break;
    case 'call':
      yield* walk(e.callee);
      for (const a of e.args) yield* walk(a);
      break;
    case 'nonNull':
    case 'unary':
      yield* walk(e.operand);
      break;
    case 'binary':
      yield* walk(e.left);
      yield* walk(e.right);
      break;
    case 'ternary':
      yield* walk(e.condition);
      yield* walk(e.then);
      yield* walk(e.else);
      break;
    case 'lambda':
      yield* walk(e.body);
      break;
    default:
      break;
  }
}
