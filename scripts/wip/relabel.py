import re, sys, unicodedata
def fold(s):
    s = unicodedata.normalize('NFKD', s.lower())
    return ''.join(c for c in s if not unicodedata.combining(c))

# fix_phone -> no_sms: SMS/code missing or deleted, no sign of a wrong/changed number
SMS = {
 'en': r"\b(sms|code|text message|message|resend|re-send|send (it|the sms|the code) again)\b",
 'lt': r"(sms|kod|zinut|pranesim|atsiusti is naujo|is naujo atsiust|persiust)",
 'ru': r"(смс|sms|код|сообщени|отправ.* (снова|повторно|ещ)|повторно)",
}
NUMBER = {
 'en': r"(number|phone|nr\b|mobile|digit|stranger|someone else|somebody else|other person|wrong person|another person|contact|typo|\bwife|husband|latvian|foreign|mixed up|neighbou?r|went to|instead|<|\+?\d{6,})",
 'lt': r"(numer|telefon|\btel\b|\bnr\b|kitam|kitai|kitas zmog|svetim|klaid|suklyd|ne tas|ne ta |pakeist|pataisy|zmonai|vyrui|kaimyn|latvij|uzsienio|vietoj|\+?\d{6,})",
 'ru': r"(номер|телефон|\bтел\b|чужо|другому|другой человек|не тот|ошиб|опечат|измени|поменя|исправ|жене|мужу|сосед|латвийск|иностран|вместо|\+?\d{6,})",
}
DAMAGED = {
 'en': r"(damag|broken|broke\b|smashed|crushed|cracked|dented|wet|soaked|torn|ripped|opened and|was opened|been opened|came open|tampered|missing (item|part|content)|something (is )?missing|items? (are |is )?missing|nothing in(side)? it|empty box|box was empty|package was empty|parcel was empty|half of the|leak|spilled|scratched)",
 'lt': r"(sugadint|sudauz|sulauz|suduz|sudauž|sulamd|sulankst|sugniu|perplest|suplysus|suplyst|atplest|atidaryt[ao]s? (siunt|pakuot|dez)|sulij|\bslapi|permirk|truksta (?!pastomat)|kazko truksta|tuscia dez|tuscia pakuot|gavau tuscia|dezute tuscia|be turinio|ispilt|istekej|sudauzyt|sutraisky|isbyrej|dalis prekiu|ne visos prekes|ne visa preki|pazeist)",
 'ru': r"(поврежд|повредил|сломан|разбит|раздавл|помят|мокр|намок|промок(?!од)|порван|разорван|вскрыт|открыт[аоый]* (посылк|коробк|упаковк)|не хватает|недостает|недостаёт|пуст(ая|ую) коробк|пуст(ая|ую) посылк|коробка пуст|посылка пуст|ничего не было|протек|разлил|царапин|нет части|часть товар)",
}
BILLING = {
 'en': r"(refund|money back|charged|charge\b|overcharg|paid twice|double payment|payment|pay\b|paid|invoice|receipt|billing|bill\b|card (was )?(declined|failed|debited)|debited|vat|promo code|voucher|gift card|discount code|coupon|cash on delivery|cod\b|\bfees?\b)",
 'lt': r"(pinig|nuskaic|nuskait|nuskaite|apmok|mokej|sumokej|susimoke|saskait|kvit|pvm|dukart|du kartus nuskait|kortel|nuolaid|kupon|dovanu kort|promo|mokest|grynais|isperkam|kompensacij.* (uz pristat|mokesc))",
 'ru': r"(деньг|возврат (денег|средств)|верн(ите|уть) (деньги|оплат)|списал|списан|оплат|заплатил|платеж|платёж|дважды|счет|счёт|фактур|чек\b|карт[аыуой]? (не|отклон)|ндс|промокод|купон|скидк|подарочн|наложенн|комисси)",
}
COMPLAINT = {
 'en': r"(complain|complaint|rude|impolite|unfriendly|yelled|shouted|swore|hung up|disrespect|unprofessional|terrible service|bad service|awful service|worst|horrible|disappointed|bad experience|courier (was|is) (late|rude)|courier (threw|left|didn.t)|didn.t call before|never called|useless service|not happy with|unacceptable|shame on)",
 'lt': r"(skund|nusiskund|pretenzij|nemandag|grub|nemalon|\breke\b|\brekia|\brekt|\bsauk|kolioj|blogas aptarnav|prastas aptarnav|siaubing|baisus aptarnav|nusivyl|blogiausi|nepatenkint|nepriimtin|kurjeris (velav|ne(at)?skambin|numet|paliko|nepaskambino|nemandagus)|gedinkit)",
 'ru': r"(жалоб|пожаловат|претензи|груб|хамил|хамств|хам\b|невежлив|нагруб|накричал|кричал|бросил трубку|ужасн|отвратительн|худш|разочаров|недоволен|недовольн|безобраз|позор|курьер (опоздал|не позвонил|бросил|оставил))",
}
ELSEWHERE = {
 'en': r"(came to me|country code|\d[\d ]{6,})",
 'lt': r"(ne tam|ne gavejui|man, o ne|\d[\d ]{6,})",
 'ru': r"(не тому|мне, а|\d[\d ]{6,})",
}
DAMAGED2 = {
 'en': r"(opened my (parcel|package)|arrived open|box .*open|(parcel|package) .*open(ed)? before)",
 'lt': r"(suluz|suslap|apgadint|suplesy|buvo atidaryt|kazkas atidare|dingo daikt|sugadino|dalis daikt)",
 'ru': r"(вскрыли|открыл до меня|открыли до)",
}
COMPLAINT2 = {
 'en': r"(courier call before|never use your service|driver was swearing)",
 'lt': r"(keike|mete siunt|apsauk|niekada daugiau)",
 'ru': r"(никогда не буду пользоваться|ругался матом)",
}
NONE = {
 'en': r"(tell me the password|like your job|selling a car)",
 'lt': r"(pasakyk slaptazod|patinka tavo darbas|parduodu automobil)",
 'ru': r"(скажи пароль|продаю машину|нравится твоя работа)",
}
LOST = {
 'en': r"(\blost\b|stolen|stole|scam|phishing|suspicious|fake sms|someone (else )?(took|collected)|stranger collected|taken by|advert|unsubscribe|spam me)",
 'lt': r"(pames|pavog|dingo|prarad|sukciav|apgavik|netikr|reklam)",
 'ru': r"(потерял|потерян|украл|укра|пропал|мошен|развод|это вы\?|это правда|реклам)",
}
# carrier matters without a flow; whatever remains 'none' must be outside the carrier's business
OTHER = {
 'en': r"(parcel|package|shipment|deliver|locker|courier|ship|send|sending|sent|compartment|customs|claim|stolen|stole|took my|taken by|lost|return|storage|store|kept|extend|pick ?up|collect|app\b|website|site|account|password|log ?in|sign ?in|register|business|contract|api\b|e-?shop|insur|price|cost|rate|tariff|how much|weight|kg\b|size|dimension|fit|prohibit|allowed|pack|box|label|job|hiring|work (as|for)|career|vacanc|opening hours|open(s)? at|close|closing|nearest|closest|location|address|where is (your|the) .*locker|install|branch|office|express|track(ing)? (app|page)|notification|email|e-mail|newsletter|scam|phishing|fake sms|suspicious|company|founded|services)",
 'lt': r"(siunt|siunc|pakuot|pristat|pastomat|terminal|kurjer|muit|pavog|pames|dingo|paem|grazint|saugo|saugojim|pratest|atsiim|programel|app\b|svetain|puslap|paskyr|slaptazod|prisijung|registr|verslo|sutart|api\b|el\.? ?parduot|draud|kain|kiek kain|kiek kast|tarif|svor|kg\b|dyd|matmen|tilps|telpa|draudziam|leidziam|dez|etiket|darb|karjer|vakans|darbo laik|atidar|uzdar|artimiaus|arciaus|vieta|adres|kur yra jusu|pastatyk|skyri|ekspres|pranesim|el\.? ?past|naujienl|sukciav|apgav|netikr|imon|paslaug)",
 'ru': r"(посыл|отправ|доставк|доставит|доставлен|постомат|пакомат|постамат|курьер|тамож|претензи|украл|укра|забрал|потерял|потерян|пропал|возврат|хран|продл|забрать|получить посылк|приложени|сайт|аккаунт|учетн|парол|войти|вход|регистр|бизнес|договор|api\b|интернет-магазин|страхов|цен|стоимост|сколько стоит|тариф|вес\b|кг\b|размер|габарит|влез|помест|запрещ|разрешен|упаков|коробк|этикет|работ|ваканс|карьер|часы работы|открыва|закрыва|ближайш|адрес|где наход|установит|отделени|экспресс|уведомлен|почт|рассылк|мошен|фальшив|подозрит|компани|услуг)",
}
def classify(lang, intent, text):
    f = fold(text) if lang != 'ru' else text.lower()
    if intent == 'fix_phone':
        g = re.sub(r"((to|on) my phone|i telefona|telefone|на телефон)", " ", f)
        if re.search(SMS[lang], g) and not re.search(NUMBER[lang], g) and not re.search(ELSEWHERE[lang], g):
            return 'no_sms'
        return intent
    if intent != 'none':
        return intent
    if re.search(NONE[lang], f):
        return 'none'
    if re.search(DAMAGED[lang], f) or re.search(DAMAGED2[lang], f):
        return 'damaged_parcel'
    if re.search(COMPLAINT2[lang], f):
        return 'complaint'
    if re.search(LOST[lang], f):
        return 'other_problem'
    for name, rules in (('billing', BILLING), ('complaint', COMPLAINT), ('other_problem', OTHER)):
        if re.search(rules[lang], f):
            return name
    return 'none'

if __name__ == '__main__':
    for lang in ('lt', 'en', 'ru'):
        path = f'language/nlu/{lang}.tsv'
        out = []
        for line in open(path, encoding='utf8').read().split('\n'):
            if not line or line.startswith('#') or line == 'intent\ttext':
                out.append(line); continue
            intent, text = line.split('\t', 1)
            out.append(f'{classify(lang, intent, text)}\t{text}')
        open(path + '.new', 'w', encoding='utf8').write('\n'.join(out))

# second pass over what is still `none`
PASS2 = [
 ('complaint', {
  'en': r"((consultant|agent|operator|staff|support|hotline|call ?cent|customer service|driver|courier|employee|woman|lady|guy|service).*(useless|unhelpful|incompetent|lied|laughed|terrible|swear|wrong info|knock|ring|rude)|never use your service|unhappy with|your service (is )?(bad|poor))",
  'lt': r"((operator|konsultant|darbuotoj|aptarnav|vairuotoj|kurjer).*(numet|nutrauk|isjung|nepadej|nekompetent|nieko nezinoj|blog|prast|keik|rage)|prastai aptarnau|ragel|jus baisus|konkurentai aptarnauja)",
  'ru': r"((оператор|сотрудни|поддержк|горяч|водител|курьер|консультант).*(бросил|сбросил|отключил|хам|оскорб|повысил|ругал|неуваж|непрофесс|положил трубку|не отвечает)|бросили трубку|меня просто сбросили|отзыв о сервисе)",
 }),
 ('damaged_parcel', {
  'en': r"(crack|empty carton|order is missing|missing from)",
  'lt': r"(sudrask|suglamz|atejo sugedes|buvo sugedes|zalos|zala|sugedes)",
  'ru': r"(трещин|возмещение ущерба)",
 }),
 ('billing', {
  'en': r"(paypal|discount|offers?\b|promotion|deals?\b|expensive|referral|loyalty|checkout|bonus)",
  'lt': r"(paypal|akcij|brang|lojalum|task|sumoket|komunalin)",
  'ru': r"(paypal|прайс|акци|дорого|лояльност|балл|скидочн)",
 }),
 ('other_problem', {
  'en': r"(woocommerce|shopify|plugin|integration|compensation|gdpr|personal data|privacy|promotional sms|wrong item|someone else.s item|seller|envelope|journalist|research|survey|recipient.s name|(work|open) (at|on) (christmas|holidays|weekends)|weekends|working hours|customer service (open|work)|until what time|call centre open|ceo|employees|revenue|furniture|warehous|house moves|stamps|lithuanian post|omniva|dpd|competitor|show id|when (are|do) you open|sale end)",
  'lt': r"(ukrain|maist|skysc|vaist|gyvun|bateri|kvepal|negalima siust|woocommerce|kompensac|\bcv\b|dirbate|aptarnavimas dirba|ofis|direktori|apyvart|duomen|bdar|privatum|preke|pardavej|latvij|estij|voku|remim|zurnalist|tyrim|apklaus|praktik|alkohol|gavej|kaledas dirb|pasku|baldus|automobil|sandel|palet|kraust|pasto zenkl|lietuvos past|omniv|dpd|konkurent|sukci|pak|skyrel|langel|issiust|bendrov|savinink|valandu dirba|kokiomis valandomis|skambuciu centr|appsas|programa telefone|telefonas (nesijungia|neveikia)|atsidarote|nuo kelintos)",
  'ru': r"(woocommerce|компенсац|декларац|офис|директор|сотрудников|оборот|персональн|gdpr|конфиденц|товар|продав|на дом|эколог|конверт|спонсор|сотрудничеств|журналист|опрос|практик|получател|воскресень|мебел|машины|фулфилмент|паллет|склад|переезд|грузчик|марки|omniva|dpd|конкурент|открыты|германи|терминал|анкета|партнёр|партнер|отвечают операторы|служба поддержки)",
 }),
]
def pass2(lang, text):
    f = fold(text) if lang != 'ru' else text.lower()
    if re.search(NONE[lang], f):
        return 'none'
    for name, rules in PASS2:
        if re.search(rules[lang], f):
            return name
    return 'none'

if __name__ == '__main__':
    for lang in ('lt', 'en', 'ru'):
        path = f'language/nlu/{lang}.tsv.new'
        out = []
        for line in open(path, encoding='utf8').read().split('\n'):
            if line.startswith('none\t'):
                line = pass2(lang, line[5:]) + '\t' + line[5:]
            out.append(line)
        open(path, 'w', encoding='utf8').write('\n'.join(out))
