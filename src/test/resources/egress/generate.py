import random, string, base64, json, uuid, hashlib, os
R = random.Random(13)
B = os.path.dirname(os.path.abspath(__file__))
def rs(n, alpha=string.ascii_letters + string.digits): return ''.join(R.choice(alpha) for _ in range(n))
UP = string.ascii_uppercase + string.digits
def luhn_complete(prefix, length):
    d = prefix + ''.join(R.choice(string.digits) for _ in range(length - len(prefix) - 1))
    for c in string.digits:
        s = d + c
        tot = 0
        for i, ch in enumerate(reversed(s)):
            x = int(ch)
            if i % 2 == 1:
                x *= 2
                if x > 9: x -= 9
            tot += x
        if tot % 10 == 0: return s
def luhn_bad(prefix, length):
    s = luhn_complete(prefix, length)
    return s[:-1] + str((int(s[-1]) + 1) % 10)
def iban(cc, bban):
    rearr = bban + cc + '00'
    num = ''.join(str(int(ch, 36)) for ch in rearr)
    check = 98 - int(num) % 97
    return f"{cc}{check:02d}{bban}"
def spaced(s): return ' '.join(s[i:i+4] for i in range(0, len(s), 4))
def b64url(b): return base64.urlsafe_b64encode(b).decode().rstrip('=')
pos = {}
def add(cls, *xs): pos.setdefault(cls, []).extend(xs)
for i in range(14):
    add('secret.aws-access-key-id', R.choice(['aws_access_key_id = {}', 'key: {}', 'AccessKeyId "{}"', 'export AWS_ACCESS_KEY_ID={}']).format(R.choice(['AKIA','ASIA']) + rs(16, string.ascii_uppercase + '234567')))
for i in range(12):
    add('secret.aws-secret-access-key', R.choice(['aws_secret_access_key = {}', 'AWS_SECRET_ACCESS_KEY="{}"', 'SecretAccessKey: {}', 'aws secret key: {}']).format(rs(40, string.ascii_letters + string.digits + '/+')))
for i in range(14):
    add('secret.github-token', R.choice(['token {}', 'GITHUB_TOKEN={}', 'git clone https://github.com/acme/x using {}']).format(R.choice(['ghp_','gho_','ghs_','ghu_']) + rs(36)))
add('secret.github-token', 'GH_PAT=github_pat_11ABCDEFG0' + rs(70, string.ascii_letters + string.digits + '_'))
for i in range(12):
    add('secret.gitlab-token', R.choice(['private_token: {}', 'CI token {}', 'export GITLAB_TOKEN={}']).format('glpat-' + rs(20, string.ascii_letters + string.digits + '_-')))
for i in range(12):
    add('secret.slack-token', R.choice(['SLACK_BOT_TOKEN={}', 'slack: {}']).format(R.choice(['xoxb-','xoxp-','xoxa-']) + '-'.join(rs(12, string.digits) for _ in range(2)) + '-' + rs(24)))
add('secret.slack-token', 'webhook: https://hooks.slack.com/services/T' + rs(8, UP) + '/B' + rs(8, UP) + '/' + rs(24))
for i in range(12):
    add('secret.stripe-key', R.choice(['STRIPE_SECRET_KEY={}', 'stripe.api_key = "{}"', 'key={}']).format(R.choice(['sk_live_','sk_test_','rk_live_']) + rs(24)))
for i in range(12):
    add('secret.google-api-key', R.choice(['GOOGLE_API_KEY={}', 'https://maps.googleapis.com/maps/api/js?key={}', 'apiKey: "{}"']).format('AIza' + rs(35, string.ascii_letters + string.digits + '_-')))
for i in range(12):
    add('secret.openai-key', R.choice(['OPENAI_API_KEY={}', 'Authorization header uses {}', 'openai.api_key = "{}"']).format(R.choice(['sk-','sk-proj-','sk-svcacct-']) + rs(48, string.ascii_letters + string.digits + '_-')))
for i in range(12):
    add('secret.anthropic-key', R.choice(['ANTHROPIC_API_KEY={}', 'x-api-key: {}', 'client = Anthropic(api_key="{}")']).format('sk-ant-api03-' + rs(93, string.ascii_letters + string.digits + '_-') + 'AA'))
for i in range(14):
    hdr = b64url(json.dumps({"alg": R.choice(["HS256","RS256","ES256"]), "typ": "JWT"}).encode())
    body = b64url(json.dumps({"sub": str(R.randint(1000,99999)), "name": rs(8), "iat": R.randint(1600000000, 1800000000)}).encode())
    add('secret.jwt', R.choice(['Authorization: Bearer {}', 'id_token={}', 'cookie: session={}']).format(hdr + '.' + body + '.' + rs(43, string.ascii_letters + string.digits + '_-')))
for i in range(12):
    kind = R.choice(['RSA ', 'EC ', 'OPENSSH ', '', 'ENCRYPTED '])
    body = '\\n'.join(rs(64, string.ascii_letters + string.digits + '+/') for _ in range(3))
    add('secret.private-key', f'-----BEGIN {kind}PRIVATE KEY-----\\n{body}\\n-----END {kind}PRIVATE KEY-----')
for i in range(14):
    add('secret.url-password', R.choice(['DATABASE_URL=postgres://{u}:{p}@db.internal:5432/app', 'redis://{u}:{p}@cache.acme.io:6379/0',
        'mongodb+srv://{u}:{p}@cluster0.mongodb.net/test', 'https://{u}:{p}@git.acme.io/repo.git', 'amqp://{u}:{p}@mq:5672/']).format(u=rs(6, string.ascii_lowercase), p=rs(14)))
for i in range(16):
    add('secret.password-assignment', R.choice(['password={}', 'DB_PASSWORD={}', 'Server=sql01;Database=crm;User Id=sa;Password={};', 'client_secret: {}',
        '"password": "{}"', 'api_key = {}', 'secret={}', 'PGPASSWORD={}', 'Pwd={};']).format(rs(12) + R.choice(['!', '#', '9', 'x'])))
first = ['alice','bob','carol','dmitri','elena','farid','greta','hiro','ines','jamal','kofi','lena','marta','nadia','oskar','priya']
doms = ['gmail.com','acme-corp.io','mail.ru','outlook.de','fastmail.fm','univ.edu','company.co.uk','proton.me']
for i in range(18):
    add('pii.email', R.choice(['contact: {}', 'From: {} ', '{},Smith,2021-04-01', 'send the invoice to <{}>']).format(R.choice(first) + R.choice(['.', '_', '']) + R.choice(['smith','k','2019','lee']) + '@' + R.choice(doms)))
cards = [('4', 16), ('51', 16), ('55', 16), ('2221', 16), ('34', 15), ('37', 15), ('6011', 16), ('65', 16), ('36', 14)]
for i in range(20):
    pre, ln = cards[i % len(cards)]
    c = luhn_complete(pre, ln)
    fmt = R.choice([c, spaced(c), '-'.join(c[j:j+4] for j in range(0, len(c), 4))])
    add('pii.payment-card', R.choice(['card: {}', 'Paid with {} exp 04/29', '{},VISA,ok', 'number={}']).format(fmt))
ibans = []
for i in range(16):
    cc, bb = R.choice([('DE', lambda: rs(18, string.digits)), ('GB', lambda: R.choice(['NWBK','BARC','HBUK']) + rs(14, string.digits)),
        ('FR', lambda: rs(23, string.digits)), ('NL', lambda: R.choice(['ABNA','INGB','RABO']) + rs(10, string.digits)), ('ES', lambda: rs(20, string.digits))])
    v = iban(cc, bb())
    ibans.append(v)
    add('pii.iban', R.choice(['IBAN: {}', 'pay to {} by Friday', 'iban={}']).format(R.choice([v, spaced(v)])))
for i in range(16):
    a = R.randint(1, 899)
    while a == 666: a = R.randint(1, 899)
    add('pii.us-ssn', R.choice(['SSN: {}', 'ssn {} on file', '{},John,Doe']).format(f"{a:03d}-{R.randint(1,99):02d}-{R.randint(1,9999):04d}"))
area = ['212','415','617','312','206','303','512','702','404','213']
for i in range(16):
    ac = R.choice(area); ex = str(R.randint(200, 989)); ln = f"{R.randint(0,9999):04d}"
    add('pii.phone', R.choice(['phone: ({a}) {e}-{l}', 'call {a}-{e}-{l} today', 'tel: +1 {a} {e} {l}', 'mobile {a}.{e}.{l}']).format(a=ac, e=ex, l=ln))
add('pii.phone', 'Tel. +49 30 901820', 'phone +44 20 7946 0958', 'ring +33 1 42 68 53 00 before noon', 'WhatsApp +91 98765 43210')
for i in range(14):
    add('pii.ip-address', R.choice(['client {} connected', 'X-Forwarded-For: {}', 'host={}']).format('.'.join(str(R.randint(1, 254)) for _ in range(4))))
neg = {}
def nadd(topic, *xs): neg.setdefault(topic, []).extend(xs)
for i in range(25): nadd('uuids', R.choice(['request id {}', 'id={}', '"traceId": "{}"']).format(uuid.UUID(int=R.getrandbits(128), version=4)))
for i in range(25): nadd('git-shas', R.choice(['commit {}', 'Merge {} into main', 'sha256:{}']).format(hashlib.sha1(rs(10).encode()).hexdigest() if i % 3 else hashlib.sha256(rs(10).encode()).hexdigest()))
for i in range(25): nadd('base64', 'data: ' + base64.b64encode(bytes(R.getrandbits(8) for _ in range(R.randint(30, 90)))).decode())
for i in range(20):
    pre, ln = cards[i % len(cards)]
    c = luhn_bad(pre, ln)
    nadd('invalid-luhn', R.choice(['card: {}', 'order number {}', 'ref {}']).format(R.choice([c, spaced(c)])))
for v in ibans[:12]:
    bad = v[:2] + f"{(int(v[2:4]) + 1) % 97 + 2:02d}" + v[4:]
    nadd('invalid-iban', 'IBAN: ' + bad)
for i in range(12):
    nadd('invalid-ssn', R.choice(['SSN: 000-{:02d}-{:04d}', 'ssn 666-{:02d}-{:04d}', 'id 912-{:02d}-{:04d}']).format(R.randint(1,99), R.randint(1,9999)))
nadd('invalid-ssn', 'ssn 123-00-4567', 'ssn 123-45-0000')
nadd('near-miss-tokens', 'AKIA is the prefix of AWS access key ids', 'akiajklmnopqrstuvwxy lower case', 'ghp_short', 'glpat-short',
    'xoxb-123', 'sk-1234', 'sk-learn is a library', 'task-manager-service', 'AIzaSyShort', 'eyJhbGciOiJIUzI1NiJ9 alone is only a header',
    'sk_live_ is the prefix of Stripe live keys', 'Use the environment variable OPENAI_API_KEY', 'the RSA PUBLIC KEY block', '-----BEGIN PUBLIC KEY-----',
    '-----BEGIN CERTIFICATE-----', 'whsec_ prefix', 'Bearer tokens expire after an hour', 'ASIAN markets opened higher')
nadd('placeholders', 'password=${DB_PASSWORD}', 'password: {{ vault_password }}', 'password = <your password here>', 'PASSWORD=', 'password: ********',
    'secret: true', 'api_key: null', '"password": ""', 'the password_hash column stores bcrypt output', 'the password field is required',
    'Forgot your password? Reset it.', 'secret: required', 'api_key=%API_KEY%', 'pwd: [hidden]', 'password: xxxxxx',
    'postgres://localhost:5432/app', 'https://example.com:8443/path', 'redis://cache:6379', 'http://user@host/path', 'postgres://app:${PGPASS}@db/app')
nadd('example-mails', 'user@example.com', 'send to jane.doe@example.org', 'noreply@mail.example', 'test@foo.test', 'logo@2x.png', 'icon@3x.jpg', 'name at domain dot com', 'a@b', '@mention in chat')
for i in range(20):
    nadd('numbers-and-dates', R.choice(['{}-{:02d}-{:02d}T{:02d}:{:02d}:00Z'.format(R.randint(2000,2030), R.randint(1,12), R.randint(1,28), R.randint(0,23), R.randint(0,59)),
        'version {}.{}.{}'.format(R.randint(0,20), R.randint(0,20), R.randint(0,99)), 'order #{}'.format(R.randint(10000, 99999999)),
        'price 1,{:03d}.{:02d} EUR'.format(R.randint(0,999), R.randint(0,99)), 'epoch {}'.format(R.randint(1600000000, 1800000000)),
        'build 10.0.{}.{}'.format(R.randint(10000, 30000), R.randint(1, 999))]))
prose = ['The quarterly report shows revenue growth of 12 percent.', 'Please review the pull request before Friday.', 'The server restarted at noon and recovered.',
    'Our team meets every Tuesday to plan the sprint.', 'Use git rebase to clean up your history.', 'The cache hit rate improved after the change.',
    'Set max_tokens to 1024 for shorter answers.', 'The function returns a list of secrets managers supported.', 'Key rotation happens every 90 days.',
    'token counts are reported per request', 'SELECT id, name FROM customers WHERE region = ?', 'for (int i = 0; i < n; i++) { sum += a[i]; }',
    'def connect(host, port): return socket.create_connection((host, port))', 'The password policy requires 12 characters.', 'Rotate the secret in the vault UI.',
    'Chapter 3: The Sea', 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.', 'README: run make test', 'Error: file not found', 'HTTP/1.1 200 OK',
    'Content-Type: application/json', 'The meeting is in room 4-101.', 'Call the function twice.', 'Tickets: PROJ-1234, PROJ-5678', 'Latency p99 was 250 ms']
nadd('prose-and-code', *prose)
for i in range(10): nadd('hex-and-ids', 'object id ' + rs(24, '0123456789abcdef'), 'md5 ' + hashlib.md5(rs(5).encode()).hexdigest())
for cls, xs in pos.items():
    open(f'{B}/positive/{cls}.txt', 'w').write('\n'.join(xs) + '\n')
for t, xs in neg.items():
    open(f'{B}/negative/{t}.txt', 'w').write('\n'.join(xs) + '\n')
print(sum(map(len, pos.values())), sum(map(len, neg.values())))
