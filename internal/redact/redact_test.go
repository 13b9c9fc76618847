package redact

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const token = "5a696eb802c7ad9a478b43c233a71bb296aec56b6194486e89e24d85681f29bd"

func TestURL(t *testing.T) {
	in := "https://user:pw@app.out-smart.com/openapi/8/relations/?token=" + token + "&software_token=abc123def&status=Compleet"
	got := URL(in)
	if strings.Contains(got, token) || strings.Contains(got, "abc123def") || strings.Contains(got, "pw@") {
		t.Fatalf("secret left in %s", got)
	}
	if !strings.Contains(got, "status=Compleet") || !strings.Contains(got, "token="+Mask) {
		t.Fatalf("non-secret parts lost: %s", got)
	}
	if URL("not a url token=x1234 ok") != "not a url token="+Mask+" ok" {
		t.Fatalf("free text: %q", URL("not a url token=x1234 ok"))
	}
}

func TestStringMasksKnownSecretsInAllForms(t *testing.T) {
	r := New("s3cr&t<code>", "", "ab", token)
	in := "body <SecurityCode1>s3cr&amp;t&lt;code&gt;</SecurityCode1> url ?x=s3cr%26t%3Ccode%3E and " + token + " ab"
	got := r.String(in)
	for _, leak := range []string{"s3cr", token} {
		if strings.Contains(got, leak) {
			t.Fatalf("leak %q in %s", leak, got)
		}
	}
	if !strings.HasSuffix(got, " ab") {
		t.Fatalf("short value should not be treated as a secret: %s", got)
	}
	r2 := New("abcd").With("efgh")
	if r2.String("abcd efgh") != Mask+" "+Mask {
		t.Fatalf("With: %s", r2.String("abcd efgh"))
	}
}

func TestMaskParamsOnlyAtParameterStart(t *testing.T) {
	got := maskParams("x?mytoken=keep&token=drop1234 software_token=drop2 SessionID=ab-12")
	want := "x?mytoken=keep&token=" + Mask + " software_token=" + Mask + " SessionID=" + Mask
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestErrorRedactsURLErrorAndKeepsIdentity(t *testing.T) {
	client := &http.Client{Timeout: 50 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://127.0.0.1:1/openapi/8/relations/?token="+token+"&software_token=swtok999", nil)
	_, err := client.Do(req)
	if err == nil || !strings.Contains(err.Error(), token) {
		t.Fatalf("precondition: Go's error should contain the token, got %v", err)
	}
	red := New().Error(err)
	if strings.Contains(red.Error(), token) || strings.Contains(red.Error(), "swtok999") {
		t.Fatalf("token left: %s", red)
	}
	if !errors.Is(red, context.Canceled) {
		t.Fatal("redacted error lost its identity")
	}
	var ue *url.Error
	if !errors.As(red, &ue) {
		t.Fatal("errors.As(*url.Error) fails after redaction")
	}
	plain := errors.New("nothing secret")
	if New("zzzz").Error(plain) != plain || New().Error(nil) != nil {
		t.Fatal("errors without secrets should pass through unchanged")
	}
}
