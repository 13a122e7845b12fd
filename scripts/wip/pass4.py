import re, unicodedata
def fold(s):
    s = unicodedata.normalize('NFKD', s.lower())
    return ''.join(c for c in s if not unicodedata.combining(c))
PROBLEM = {
 'en': r"(lost|stolen|stole|took|taken|missing|disappeared|held at customs|stuck|scam|phishing|suspicious|fake|doesn.?t work|does not work|not working|isn.?t working|can.?t|cannot|couldn.?t|error|crash|slow|forgot my password|wrong item|someone else|somebody else|stranger|scammed|doesn.?t answer|didn.?t|never|problem|issue|extend|compensation|claim|blocks|bad spot|too bright|too close|stop sending|unsubscribe|delete my|dirty|filthy|smell|noisy|noise|graffiti|rubbish|trash|litter|spilled|beeping|unsafe|dark|doesn.?t match|weird sms|is it you|held)",
 'lt': r"(pames|pavog|paem|pasiem|dingo|strig|sukciav|apgav|netikr|neveik|negaliu|nepavyk|klaid|uzsidaro|pamirsau|ne ta prek|ne savo|svetim|neatsako|problema|pratest|kompensac|pretenz|zal|nuostol|uzstato|uzstoja|sviesa|ryski|nebesiusk|atsisakyti|istrinti|neatitinka|nesijungia|sugedes|purvin|nesvar|grafit|siuksl|smird|triuksm|aprasinet|apspjaud|apdulk|lipnus|netinkam|per arti|leta|neuzsikrauna|keista sms|ar cia jus|muitineje|sulaiky)",
 'ru': r"(потер|украл|укра|забрал|пропал|застрял|мошен|развод|фальш|не работает|не могу|ошибк|вылета|забыл пароль|не тот товар|чужой|чужую|чужое|не отвечает|обманул|проблем|продлить|компенсац|претензи|ущерб|загоражива|ярк|перестаньте|отписаться|удалите|не соответствует|не загружается|грязн|мусор|воня|пахнет|шумит|граффити|разрисован|неудобном|странная смс|это вы\?|это правда|якобы|липк|медленн|тормозит)",
}
for lang in ('lt','en','ru'):
    p=f'/work/wt/nlu/language/nlu/{lang}.tsv'
    out=[]; n=0
    for line in open(p,encoding='utf8').read().split('\n'):
        if line.startswith('other_problem\t'):
            t=line.split('\t',1)[1]; f=fold(t) if lang!='ru' else t.lower()
            if not re.search(PROBLEM[lang],f):
                line='none\t'+t; n+=1
        out.append(line)
    open(p,'w',encoding='utf8').write('\n'.join(out))
    print(lang,n)
