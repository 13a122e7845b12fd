import re, unicodedata
def fold(s):
    s = unicodedata.normalize('NFKD', s.lower())
    return ''.join(c for c in s if not unicodedata.combining(c))
D = {
 'en': (r"(opened|empty|nothing (in|inside)|water got|tape (was )?cut|scratch|tear|torn|dent|crush|smash|broke|crack|half of)", r"(parcel|package|box|item|order|carton|contents|glass|screen|vase)"),
 'lt': (r"(atidar|tusc|nieko|sudrask|sudauz|sugedes|suduz|sulamd|perkirpt|atplest|isdauz|subraiz|suglam|sutrenk|pus[eė] )", r"(siunt|dez|pak|prek|daikt|telefon|ekran|stikl|vaz)"),
 'ru': (r"(открыл|пуст|не всё|не все|помял|смят|разбил|треснут|трещин|поцарап|половин|вскрыт|порвал|раздав)", r"(посылк|коробк|товар|вещ|заказ|экран|стекло|посуд|ваз|упаковк)"),
}
SMS = {
 'en': r"(sms|code|text\b|message|notif|\bpin\b|resend)",
 'lt': r"(sms|kod|zinut|zinuc|pranes)",
 'ru': r"(смс|sms|код|сообщени|уведомлен)",
}
NUM = {
 'en': r"(number|stranger|someone else|somebody else|wrong|wife|husband|email|e-mail|instead|latvian|foreign|\d{5,})",
 'lt': r"(numer|kitam|svetim|klaid|blog|zmonai|latvij|\d{5,}|\d \d)",
 'ru': r"(номер|чужо|не тому|мне, а|email|неверн|\d{5,})",
}
EXCL_D = {'en': r"(claim for a lost|was lost|account|prohibit)", 'lt': r"(pames|dingo visisk|draudziam|nusipirkti|paskyr)", 'ru': r"(потерян|кабинет)"}
for lang in ('lt','en','ru'):
    p=f'/work/wt/nlu/language/nlu/{lang}.tsv'
    out=[]; n1=n2=0
    for line in open(p,encoding='utf8').read().split('\n'):
        if '\t' in line:
            it,t=line.split('\t',1); f=fold(t) if lang!='ru' else t.lower()
            if it=='other_problem' and re.search(D[lang][0],f) and re.search(D[lang][1],f) and not re.search(EXCL_D[lang],f):
                line='damaged_parcel\t'+t; n1+=1
            elif it=='fix_phone':
                g=re.sub(r"((to|on) my phone|i telefona|telefonu|telefone|на телефон)"," ",f)
                if re.search(SMS[lang],g) and not re.search(NUM[lang],g):
                    line='no_sms\t'+t; n2+=1
        out.append(line)
    open(p,'w',encoding='utf8').write('\n'.join(out))
    print(lang,n1,n2)
