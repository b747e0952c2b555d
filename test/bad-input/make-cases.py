# Regenerates test/bad-input/cases/ and cases.yaml (python3 test/bad-input/make-cases.py; needs PyYAML).
# The folders are committed; edit here and rerun rather than editing them by hand.
import os, json, shutil
ROOT=os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BASE=f'{ROOT}/test/bad-input'
CASES=f'{BASE}/cases'
shutil.rmtree(CASES, ignore_errors=True)
os.makedirs(CASES)
card=open(f'{ROOT}/ratecards/fliplet.yaml').read()
H='timestamp,meter,quantity,project\n'
GOOD=H+'2026-11-02T10:00:00Z,data_read,3,alpha\n2026-11-02T11:00:00Z,data_write,2,beta\n'
ST=['statement','--card','$ROOT/ratecards/fliplet.yaml','--plan','pro','--anchor','2026-11-01','--usage','usage.csv']
STC=['statement','--card','card.yaml','--plan','pro','--anchor','2026-11-01','--usage','usage.csv']
STA=['statement','--account','account.yaml','--usage','usage.csv']
SIM=['simulate','scenario.yaml']
REC=['reconcile','--account','account.yaml','--usage','usage.csv','--bill','bill.csv']
manifest=[]
def case(name, files, args, exit=2, where=None, says=None, expected=None, found=None, **extra):
    d=f'{CASES}/{name}'; os.makedirs(d)
    for fn,content in files.items():
        p=f'{d}/{fn}'; os.makedirs(os.path.dirname(p), exist_ok=True)
        open(p,'wb').write(content if isinstance(content,bytes) else content.encode())
    m={'name':name,'args':args,'exit':exit}
    for k,v in [('where',where),('says',says),('expected',expected),('found',found)]:
        if v is not None: m[k]=v
    m.update(extra); manifest.append(m)
def u(name, usage, where, says, expected, found, args=ST, **kw):
    case(name, {'usage.csv':usage}, args, 2, where, says, expected, found, **kw)
Q='a plain decimal such as 12 or 0.5'
# --- usage logs: SPEC 5
u('usage-unknown-meter', GOOD+'2026-11-02T12:00:00Z,data_raed,1,p\n','usage.csv:4:2','unknown meter "data_raed"','a meter of fliplet 2026-11','"data_raed"')
u('usage-bad-timestamp', H+'2026-11-02 10h00,data_read,1,p\n','usage.csv:2:1','bad timestamp','an ISO-8601 instant such as 2026-10-14T09:30:00Z','"2026-11-02 10h00"')
u('usage-quantity-word', H+'2026-11-02T10:00:00Z,data_read,ten,p\n','usage.csv:2:3','quantity is not a number',Q,'"ten"')
u('usage-negative-quantity', H+'2026-11-02T10:00:00Z,data_read,-5,p\n','usage.csv:2:3','negative quantity on meter "data_read"','a quantity of 0 or more',None)
u('usage-not-utf8', (H+'2026-11-02T10:00:00Z,data_read,1,caf').encode()+b'\xe9\n','usage.csv:2:37','file is not UTF-8','UTF-8 text','the byte 0xe9')
u('usage-empty', '','usage.csv:1:1','empty file','a header row','nothing')
u('usage-header-missing-timestamp', 'time,meter,quantity,project\n2026-11-02T10:00:00Z,data_read,1,p\n','usage.csv:1:1','header missing required column "timestamp"',None,None)
u('usage-header-missing-meter', 'timestamp,quantity,project\n2026-11-02T10:00:00Z,1,p\n','usage.csv:1:1','header missing required column "meter"',None,None)
# --- usage: the issue's list
u('usage-duplicate-header', 'timestamp,meter,quantity,project,project\n2026-11-02T10:00:00Z,data_read,1,p,q\n','usage.csv:1:5','duplicate column "project"','each column named once','also column 4')
for nm,q in [('1e3','1e3'),('comma','"1,5"'),('nan','NaN'),('infinity','Infinity'),('1e400','1e400'),('plus','+1'),('hex','0x10'),('minus-infinity','-Infinity')]:
    shown=q.strip('"')
    u(f'usage-quantity-{nm}', H+f'2026-11-02T10:00:00Z,data_read,{q},p\n','usage.csv:2:3','quantity is not a number',Q,json.dumps(shown))
u('usage-feb-30', H+'2026-02-30T10:00:00Z,data_read,1,p\n','usage.csv:2:1','no such date','a calendar date','"2026-02-30T10:00:00Z"')
u('usage-leap-second', H+'2026-12-31T23:59:60Z,data_read,1,p\n','usage.csv:2:1','leap seconds are not supported','seconds from 00 to 59','"2026-12-31T23:59:60Z"')
LON=['statement','--card','$ROOT/ratecards/fliplet.yaml','--plan','pro','--anchor','2026-01-01','--timezone','Europe/London','--usage','usage.csv']
u('usage-dst-gap', H+'2026-03-29T01:30:00,data_read,1,p\n','usage.csv:2:1','local time does not exist in Europe/London','a local time outside a daylight-saving gap, or an offset','"2026-03-29T01:30:00"',args=LON)
u('usage-dst-overlap', H+'2026-10-25T01:30:00,data_read,1,p\n','usage.csv:2:1','local time happens twice in Europe/London','an explicit offset such as +01:00','"2026-10-25T01:30:00"',args=LON)
u('usage-long-line-bad-timestamp', H+'@LONG@,data_read,1,p\n','usage.csv:2:1','bad timestamp','an ISO-8601 instant such as 2026-10-14T09:30:00Z','"xxxxxxxx', long={'file':'usage.csv','marker':'@LONG@','char':'x','count':500000}, stderr_max=2000)
u('usage-record-over-1mib', H+'2026-11-02T10:00:00Z,data_read,1,@LONG@\n','usage.csv:2:1','', 'a row of at most 1048576 bytes', None, says_any=['row too long','record too long'], long={'file':'usage.csv','marker':'@LONG@','char':'x','count':2000000}, stderr_max=2000)
u('usage-too-few-fields', GOOD+'2026-11-02T10:00:00Z,data_read\n','usage.csv:4:3','malformed CSV','RFC 4180 CSV','CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
u('usage-too-many-fields', H+'2026-11-02T10:00:00Z,data_read,1,p,extra\n','usage.csv:2:5','malformed CSV','RFC 4180 CSV','CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
u('usage-unclosed-quote', H+'2026-11-02T10:00:00Z,data_read,1,"p\n','usage.csv:2:','malformed CSV: Quote Not Closed','RFC 4180 CSV','CSV_QUOTE_NOT_CLOSED')
u('usage-row-after-multiline-field', H+'2026-11-02T10:00:00Z,data_read,1,"a\nb"\n2026-11-02T10:00:00Z,data_raed,1,p\n','usage.csv:4:2','unknown meter "data_raed"','a meter of fliplet 2026-11','"data_raed"')
u('usage-crlf-row-after-multiline-field', (H+'2026-11-02T10:00:00Z,data_read,1,"a\nb"\n2026-11-02T10:00:00Z,data_read,x,p\n').replace('\n','\r\n'),'usage.csv:5:3','quantity is not a number',Q,'"x"')
u('usage-bom-bad-quantity', '\ufeff'+H+'2026-11-02T10:00:00Z,data_read,x,p\n','usage.csv:2:3','quantity is not a number',Q,'"x"')
case('usage-directory', {'usage.csv/.keep':''}, ST, 2, 'usage.csv:1:1','is a directory','a file','a directory')
case('usage-missing-file', {}, ST, 2, 'usage.csv:1:1','cannot read file: ENOENT','an existing','no such file')
case('usage-stdin-bad', {'stdin.csv':H+'2026-11-02T10:00:00Z,data_raed,1,p\n'}, ST[:-1]+['-'], 2, '-:2:2','unknown meter "data_raed"','a meter of fliplet 2026-11','"data_raed"', stdin='stdin.csv')
# --- cards
def c(name, text, where, says, expected, found, **kw):
    case(name, {'card.yaml':text,'usage.csv':GOOD}, STC, 2, where, says, expected, found, **kw)
def line_of(text, marker): return text[:text.index(marker)].count('\n')+1
t=card.replace('  display: 2 ','  dispaly: 2 '); c('card-unknown-key', t, f'card.yaml:{line_of(t,"dispaly")}:3','unknown key "dispaly"; did you mean "display"?','one of display, rounding, round_at, step','"dispaly"')
t=card.replace('    price: "0.01"             # "0.01 per read"','    price: [1, 2]'); c('card-wrong-type', t, f'card.yaml:{line_of(t,"price: [1, 2]")}:12','wrong type','a plain decimal of at least 0','a list')
t=card.replace('  data_write:\n','  data_read:\n',1); c('card-duplicate-meter', t, f'card.yaml:{line_of(t,"  data_read:")+8}:3','Map keys must be unique','valid YAML','"data_read"')
t=card.replace('price: "0.08"','price: "8e-2"'); c('card-price-exponent', t, f'card.yaml:{line_of(t,"8e-2")}:12','not a plain decimal','a plain decimal of at least 0','"8e-2"')
t=card.replace('price: "0.08"','price: "1,5"'); c('card-price-comma', t, f'card.yaml:{line_of(t,"1,5")}:12','not a plain decimal','a plain decimal of at least 0','"1,5"')
t=card.replace('    price: "0.15"             # "automation runs (0.15 each)"\n',''); c('card-missing-price', t, 'card.yaml:','missing key "price"','keys price','none')
case('card-not-utf8', {'card.yaml':card.replace('Fliplet credits','Fliplet cr\u00e9dits').encode('latin1'),'usage.csv':GOOD}, STC, 2, 'card.yaml:3:13','file is not UTF-8','UTF-8 text','the byte 0xe9')
c('card-empty', '', 'card.yaml:1:1','empty file','a YAML document','nothing')
bomb='  data_read:\n    aggregation: flow\n    dimensions: [project]\n    category: end_users\n    pool: run\n    price: "0.01"\n    labels: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n    description: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n    note: &a2 [*a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1, *a1]\n    more: &a3 [*a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2, *a2]\n    most: [*a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3, *a3]\n'
i=card.index('  data_read:\n'); j=card.index('  data_write:\n')
t=card[:i]+bomb+card[j:]
c('card-alias-bomb-in-card', t, f'card.yaml:{line_of(t,"description: &a1")}:','YAML aliases are not supported', 'a value written out', '*a0', time_max_ms=5000)
doc='lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'+''.join(f'lol{k}: &a{k} [{", ".join([f"*a{k-1}"]*10)}]\n' for k in range(1,10))+'provider: fliplet\n'
c('card-billion-laughs', doc, 'card.yaml:2:','YAML aliases are not supported','a value written out','*a0', time_max_ms=5000)
c('card-proto-key', '__proto__: {polluted: yes}\n'+card, 'card.yaml:1:1','unknown key "__proto__"','one of provider','"__proto__"')
c('card-constructor-key', card.replace('precision:\n','precision:\n  constructor: 1\n'), f'card.yaml:{line_of(card,"precision:")+1}:3','unknown key "constructor"','one of display','"constructor"')
t=card.replace('\n  pro:\n','\n  __proto__:\n'); c('card-proto-plan', t, f'card.yaml:{line_of(t,"__proto__")}:3','bad key','a key matching','"__proto__"')
c('card-custom-tag', card.replace('unit: credits','unit: !!js/function "function () { return 1 }"'), f'card.yaml:{line_of(card,"unit: credits")}:7','Unresolved tag: tag:yaml.org,2002:js/function','valid YAML','"!!js/function"')
c('card-local-tag', card.replace('unit: credits','unit: !credits x'), f'card.yaml:{line_of(card,"unit: credits")}:7','Unresolved tag: !credits','valid YAML','"!credits"')
c('card-deep-flow-nesting', 'provider: '+'['*5000+']'*5000+'\n', 'card.yaml:1:75','nesting too deep','at most 64 levels','more')
c('card-deep-block-nesting', 'provider:\n'+'- '*100000+'x\n', 'card.yaml:2:','nesting too deep','at most 64 levels','more')
t=card+'budgets:\n  dimension: team\n  plans: [gold]\n'; c('card-budget-names-missing-plan', t, f'card.yaml:{line_of(t,"plans: [gold]")}:10','unknown plan "gold"','one of free, pro','"gold"')
case('card-plan-flag-missing-plan', {'usage.csv':GOOD}, ST[:3]+['--plan','gold']+ST[5:], 2, '--plan','unknown plan "gold"','one of free, pro','"gold"')
case('card-directory', {'card.yaml/.keep':'','usage.csv':GOOD}, STC, 2, 'card.yaml:1:1','is a directory','a file','a directory')
case('card-missing-file', {'usage.csv':GOOD}, STC, 2, 'card.yaml:1:1','cannot read file: ENOENT','an existing, readable file','no such file')
case('card-stdin-bad', {'stdin.yaml':card.replace('  display: 2 ','  dispaly: 2 '),'usage.csv':GOOD}, ['statement','--card','-']+STC[3:], 2, f'-:{line_of(card,"  display: 2")}:3','unknown key "dispaly"', 'one of display', '"dispaly"', stdin='stdin.yaml')
# --- accounts
ACC='card: $CARD\nplan: pro\nanchor: 2026-11-01\n'
def a(name, text, where, says, expected, found, extra_files=None, **kw):
    f={'account.yaml':text,'usage.csv':GOOD}; f.update(extra_files or {})
    case(name, f, STA, 2, where, says, expected, found, **kw)
a('account-missing-card-file', 'card: nope.yaml\nplan: pro\nanchor: 2026-11-01\n', 'account.yaml:1:7','card file not found','a rate card file, relative to the account file',None)
a('account-card-is-directory', 'card: cards\nplan: pro\nanchor: 2026-11-01\n', 'account.yaml:1:7','card is a directory','a rate card file, relative to the account file',None, {'cards/.keep':''})
a('account-unknown-plan', ACC.replace('plan: pro','plan: gold'), 'account.yaml:2:7','unknown plan "gold"','one of free, pro','"gold"')
a('account-anchor-feb-30', ACC.replace('2026-11-01','2026-02-30'), 'account.yaml:3:9','no such date','a calendar date','"2026-02-30"')
a('account-bad-timezone', ACC+'timezone: Mars/Olympus\n', 'account.yaml:4:11','unknown time zone','an IANA name such as Europe/London','"Mars/Olympus"')
a('account-grant-amount-1e3', ACC+'grants:\n  - { kind: topup, amount: 1e3, at: 2026-11-02T00:00:00Z }\n', 'account.yaml:5:28','not a plain decimal','a plain decimal above 0','"1e3"')
a('account-proto-key', ACC+'__proto__: {x: 1}\n', 'account.yaml:4:1','unknown key "__proto__"','one of card','"__proto__"')
a('account-constructor-in-grant', ACC+'grants:\n  - { kind: topup, amount: 10, at: 2026-11-02T00:00:00Z, constructor: 1 }\n', 'account.yaml:5:58','unknown key "constructor"','one of kind, amount, at, account','"constructor"')
a('account-negative-allowance', ACC+'allowance: -5\n', 'account.yaml:4:12','out of range','a plain decimal of at least 0','-5')
a('account-alias', 'plan: &p pro\ncard: $CARD\nanchor: 2026-11-01\naccount: *p\n', 'account.yaml:4:10','YAML aliases are not supported','a value written out','*p')
a('account-grant-dst-gap', ACC.replace('2026-11-01','2026-01-01')+'timezone: Europe/London\ngrants:\n  - { kind: topup, amount: 10, at: 2026-03-29T01:30:00 }\n', 'account.yaml:6:','local time does not exist in Europe/London',None,None)
# --- scenarios
SC='name: x\ncard: $CARD\nplan: pro\nstart: 2026-11-01\ncycles: 1\n'
SEND='sends:\n  - { name: n, meter: email, quantity: QTY, at: AT, dimensions: { project: p, source: studio } }\n'
def s(name, text, where, says, expected, found, **kw):
    case(name, {'scenario.yaml':text}, SIM, 2, where, says, expected, found, **kw)
s('scenario-quantity-1e3', SC+SEND.replace('QTY','1e3').replace('AT','2026-11-05T09:00:00Z'), 'scenario.yaml:7:40','not a plain decimal','a plain decimal above 0','"1e3"')
s('scenario-quantity-comma', SC+SEND.replace('QTY','"1,5"').replace('AT','2026-11-05T09:00:00Z'), 'scenario.yaml:7:40','not a plain decimal','a plain decimal above 0','"1,5"')
s('scenario-send-feb-30', SC+SEND.replace('QTY','10').replace('AT','2026-02-30T09:00:00Z'), 'scenario.yaml:7:48','no such date','a calendar date','"2026-02-30T09:00:00Z"')
s('scenario-unknown-plan', SC.replace('plan: pro','plan: gold'), 'scenario.yaml:3:7','unknown plan "gold"','a plan of fliplet 2026-11: free, pro','"gold"')
s('scenario-unknown-meter', SC+SEND.replace('QTY','10').replace('AT','2026-11-05T09:00:00Z').replace('meter: email','meter: emial'), 'scenario.yaml:7:23','unknown meter "emial"; did you mean "email"?','a meter of fliplet 2026-11','"emial"')
s('scenario-cycles-huge', SC.replace('cycles: 1','cycles: 1000000000'), 'scenario.yaml:5:9','wrong value','a whole number from 1 to 120','"1000000000"')
s('scenario-alias', SC+'sends: *x\n', 'scenario.yaml:6:8','YAML aliases are not supported','a value written out','*x')
s('scenario-custom-tag', SC+"sends: !!js/function 'x'\n", 'scenario.yaml:6:8','Unresolved tag: tag:yaml.org,2002:js/function','valid YAML','"!!js/function"')
s('scenario-proto-key', SC+'__proto__: 1\n', 'scenario.yaml:6:1','unknown key "__proto__"','one of plan','"__proto__"')
s('scenario-missing-card-file', SC.replace('$CARD','nope.yaml'), 'scenario.yaml:2:7','card file not found','a rate card file, relative to the scenario',None)
s('scenario-deep-nesting', SC+'sends:\n'+'- '*100000+'x\n', 'scenario.yaml:7:','nesting too deep','at most 64 levels','more')
# --- bills
RACC='card: $CARD\nplan: pro\nanchor: 2026-10-01\ntimezone: America/New_York\n'
RUSAGE=open(f'{ROOT}/fixtures/reconcile/usage.csv').read()
BH='period_start,activity,project,quantity,amount\n'
AMT='a plain decimal such as 12 or -0.5 (no currency sign or thousands separator)'
def b(name, bill, where, says, expected, found, **kw):
    case(name, {'account.yaml':RACC,'usage.csv':RUSAGE,'bill.csv':bill}, REC, 2, where, says, expected, found, **kw)
b('bill-amount-1e3', BH+'2026-11-01,Projects,alpha,1,1e3\n', 'bill.csv:2:5','amount is not a number',AMT,'"1e3"')
b('bill-amount-comma', BH+'2026-11-01,Projects,alpha,1,"1,5"\n', 'bill.csv:2:5','amount is not a number',AMT,'"1,5"')
b('bill-amount-nan', BH+'2026-11-01,Projects,alpha,1,NaN\n', 'bill.csv:2:5','amount is not a number',AMT,'"NaN"')
b('bill-quantity-word', BH+'2026-11-01,Projects,alpha,x,0.5\n', 'bill.csv:2:4','quantity is not a number',AMT,'"x"')
b('bill-period-feb-30', BH+'2026-11-01,Projects,alpha,1,0.5\n2026-02-30,Projects,alpha,1,0.5\n', 'bill.csv:3:1','bad period',"the cycle's first day",'"2026-02-30"')
b('bill-unknown-activity', BH+'2026-11-01,Nope,alpha,1,0.5\n', 'bill.csv:2:2','unknown activity "Nope"','a meter key or label of fliplet 2026-11','"Nope"')
b('bill-header-missing-period', 'activity,project,quantity,amount\nProjects,alpha,1,0.5\n', 'bill.csv:1:1','bill header missing required column "period_start"','a "period_start" column',None)
b('bill-header-only', BH, 'bill.csv:2:1','the bill has no charges','at least one charge row','none')
b('bill-empty', '', 'bill.csv:1:1','empty file','a header row','nothing')
b('bill-duplicate-header', 'period_start,activity,activity,quantity,amount\n2026-11-01,Projects,alpha,1,0.5\n', 'bill.csv:1:3','duplicate column "activity"','each column named once','also column 2')
b('bill-not-utf8', BH.encode()+b'2026-11-01,Projects,alph\xe1,1,0.5\n', 'bill.csv:2:','file is not UTF-8','UTF-8 text','the byte 0xe1')
b('bill-opening-quote-mid-field', BH+'2026-11-01,Projects,=H("x"),1,0.5\n', 'bill.csv:2:3','malformed CSV','RFC 4180 CSV','INVALID_OPENING_QUOTE')
b('bill-too-few-fields', BH+'2026-11-01,Projects,alpha,1\n', 'bill.csv:2:5','malformed CSV','RFC 4180 CSV','CSV_RECORD_INCONSISTENT_FIELDS_LENGTH')
u('usage-opening-quote-mid-field', H+'2026-11-02T10:00:00Z,data_read,1,=H("x")\n','usage.csv:2:4','malformed CSV','RFC 4180 CSV','INVALID_OPENING_QUOTE')
# --- read, not rejected: exit 0 and priced exactly like the plain file
def ok(name, files, args=ST, **kw):
    case(name, files, args, 0, **kw)
ok('ok-usage-plain', {'usage.csv':GOOD})
ok('ok-usage-bom', {'usage.csv':'\ufeff'+GOOD}, same_as='ok-usage-plain')
ok('ok-usage-crlf', {'usage.csv':GOOD.replace('\n','\r\n')}, same_as='ok-usage-plain')
ok('ok-usage-bom-crlf', {'usage.csv':'\ufeff'+GOOD.replace('\n','\r\n')}, same_as='ok-usage-plain')
ok('ok-usage-all-quoted', {'usage.csv':''.join(','.join(f'"{x}"' for x in l.split(','))+'\n' for l in GOOD.splitlines())}, same_as='ok-usage-plain')
ok('ok-usage-quoted-comma-newline', {'usage.csv':H+'2026-11-02T10:00:00Z,data_read,3,"al,pha\nand ""beta"""\n2026-11-02T11:00:00Z,data_write,2,beta\n'}, json={'accounts.0.cycles.0.total':'0.13','accounts.0.cycles.0.lines.0.dimensions.project':'al,pha\nand "beta"'})
ok('ok-usage-quantity-spaces', {'usage.csv':GOOD.replace(',3,',', 3 ,')}, same_as='ok-usage-plain')
ok('ok-usage-quantity-tiny', {'usage.csv':H+'2026-11-02T10:00:00Z,data_read,0.0000000000000000000001,alpha\n'}, json={'accounts.0.cycles.0.total':'0.000000000000000000000001','accounts.0.cycles.0.lines.0.quantity':'0.0000000000000000000001'})
ok('ok-usage-header-only', {'usage.csv':H}, json={'events.read':0,'accounts.0.cycles.0.total':'0'})
ok('ok-usage-long-field', {'usage.csv':H+'2026-11-02T10:00:00Z,data_read,3,@LONG@\n2026-11-02T11:00:00Z,data_write,2,beta\n'}, long={'file':'usage.csv','marker':'@LONG@','char':'a','count':1000000}, json={'accounts.0.cycles.0.total':'0.13'})
ok('ok-usage-stdin', {'stdin.csv':GOOD}, ST[:-1]+['-'], stdin='stdin.csv', same_as='ok-usage-plain')
ok('ok-card-meter-named-constructor', {'card.yaml':card.replace('  data_read:\n','  constructor:\n',1),'usage.csv':GOOD.replace('data_read','constructor')}, STC, json={'accounts.0.cycles.0.total':'0.13'})
ok('ok-bill-plain', {'account.yaml':RACC,'usage.csv':RUSAGE,'bill.csv':open(f'{ROOT}/fixtures/reconcile/bill-clean.csv').read()}, REC)
ok('ok-bill-bom-crlf', {'account.yaml':RACC,'usage.csv':RUSAGE,'bill.csv':'\ufeff'+open(f'{ROOT}/fixtures/reconcile/bill-clean.csv').read().replace('\n','\r\n')}, REC, same_as='ok-bill-plain')
import yaml
with open(f'{BASE}/cases.yaml','w') as f:
    f.write('# The bad-input corpus: one folder per case under cases/, run by test/bad-input/corpus.test.ts.\n# args: the command line (run in a copy of the case folder; $ROOT is the repository; -o out.json is added);\n# $CARD in a case file stands for the Fliplet card. exit 2 cases: the message must read\n# "burnrate: error: WHERE: SAYS ... (expected EXPECTED, found FOUND)". exit 0 cases: same_as compares the\n# output with another case; json checks values at dotted paths.\n')
    class D(yaml.SafeDumper):
        def ignore_aliases(self, data): return True
    for m in manifest:
        f.write('\n'); yaml.dump([m], f, Dumper=D, sort_keys=False, allow_unicode=True, width=400, default_flow_style=None)
print(len(manifest), sum(1 for m in manifest if m['exit']==2))
