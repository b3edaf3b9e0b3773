#!/usr/bin/env python3
"""Fills a database through the GraphQL API of a running panel server of the
release before versioned migrations (commit 249856b), which created the
schema with ent's Schema.Create. Used once to make the upgrade fixtures
(docs/migrations.md, "The upgrade fixture"):

  git archive 249856b | tar -x -C /tmp/prev && (cd /tmp/prev && go build -o /tmp/panel-prev .)
  PANEL_ADMIN_PASSWORD=admin-secret-1 /tmp/panel-prev --db sqlite:/tmp/legacy.db --addr 127.0.0.1:18080 &
  python3 make_fixture.py http://127.0.0.1:18080/graphql; kill %1
  sqlite3 /tmp/legacy.db .dump > sqlite.sql
  # the same with --db mysql://root@127.0.0.1:3306/migrations_legacy (an empty database), then
  mariadb-dump -uroot -h127.0.0.1 --skip-comments --compact --skip-extended-insert --skip-set-charset \
    --skip-tz-utc --skip-add-locks --skip-disable-keys --no-tablespaces migrations_legacy | grep -v '^/\*' > mysql.sql
"""
import json, sys, urllib.request

URL = sys.argv[1]

def gql(query, variables=None, token=None):
    req = urllib.request.Request(URL, data=json.dumps({"query": query, "variables": variables or {}}).encode(),
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req) as r:
        out = json.load(r)
    if out.get("errors"):
        sys.exit("errors: %s" % out["errors"])
    data = next(iter(out["data"].values()))
    if isinstance(data, dict) and data.get("userErrors"):
        sys.exit("userErrors: %s" % data["userErrors"])
    return data

def login(l, p):
    return gql('mutation($l:String!,$p:String!){ login(input:{login:$l,password:$p}) { token userErrors { code message } } }', {"l": l, "p": p})["token"]

admin = login("admin", "admin-secret-1")
# A refused login: a login_throttles row.
req = gql('mutation { login(input:{login:"admin",password:"wrong-password-1"}) { token userErrors { code } } }'.replace("userErrors { code }", "token"))
rp = gql('mutation { createResellerPlan(input:{name:"Gold", limits:{customers:50, domains:100}, permissions:[MANAGE_DNS]}) { resellerPlan { id } userErrors { code message } } }', token=admin)["resellerPlan"]["id"]
res = gql('mutation($p:ID){ createReseller(input:{login:"acme", password:"acme-password-1", name:"ACME Hosting", email:"ops@acme.example", country:"DE", planId:$p}) { reseller { id } userErrors { code message } } }', {"p": rp}, admin)["reseller"]["id"]
sp = gql('mutation($o:ID){ createServicePlan(input:{name:"Basic", limits:{diskSpaceMb:1000, domains:3}, permissions:[MANAGE_MAIL], ownerId:$o}) { servicePlan { id } userErrors { code message } } }', {"o": res}, admin)["servicePlan"]["id"]
acme = login("acme", "acme-password-1")
cust = gql('mutation { createCustomer(input:{login:"jdoe", password:"correct-horse-1", name:"Jane Doe", email:"jane@example.com", country:"de", company:"Doe & Sons"}) { customer { id } userErrors { code message } } }', token=acme)["customer"]["id"]
cust2 = gql('mutation { createCustomer(input:{login:"bob", password:"correct-horse-2", name:"Bob Ünicode", email:"bob@example.com"}) { customer { id } userErrors { code message } } }', token=admin)["customer"]["id"]
sub = gql('mutation($c:ID!,$p:ID){ createSubscription(input:{subscriberId:$c, domain:"jane.example", servicePlanId:$p}) { subscription { id } userErrors { code message } } }', {"c": cust, "p": sp}, acme)["subscription"]["id"]
sub2 = gql('mutation($c:ID!){ createSubscription(input:{subscriberId:$c, domain:"bob.example", limits:{domains:2}, expiresAt:"2030-01-01T00:00:00Z"}) { subscription { id } userErrors { code message } } }', {"c": cust2}, admin)["subscription"]["id"]
gql('mutation($s:ID!){ addDomain(input:{subscriptionId:$s, name:"shop.jane.example"}) { domain { id } userErrors { code message } } }', {"s": sub}, acme)
gql('mutation($c:ID){ createPanelUser(input:{accountId:$c, login:"jane-web", password:"webmaster-pass-1", name:"Jane Web", email:"web@jane.example"}) { panelUser { id } userErrors { code message } } }', {"c": cust}, acme)
gql('mutation($c:ID!){ setCustomerDescription(input:{customerId:$c, text:"pays late"}) { userErrors { code message } } }', {"c": cust}, acme)
gql('mutation($c:ID!){ setCustomerDescription(input:{customerId:$c, text:"VIP"}) { userErrors { code message } } }', {"c": cust}, admin)
gql('mutation($ids:[ID!]!){ suspendCustomers(input:{ids:$ids, reason:"unpaid"}) { committed userErrors { code message } } }', {"ids": [cust2]}, admin)
gql('mutation { createApiToken(input:{name:"ci", readOnly:true}) { token userErrors { code message } } }', token=admin)
print(json.dumps({"reseller": res, "customer": cust, "customer2": cust2, "subscription": sub, "subscription2": sub2, "resellerPlan": rp, "servicePlan": sp}))
