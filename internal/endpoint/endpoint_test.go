package endpoint

import (
	"errors"
	"testing"
)

func TestCheck(t *testing.T) {
	good := map[string]string{
		"https://soap.e-boekhouden.nl/soap.asmx":   "https://soap.e-boekhouden.nl/soap.asmx",
		"HTTPS://app.out-smart.com/openapi/8#frag": "https://app.out-smart.com/openapi/8",
		"http://127.0.0.1:8080/soap.asmx":          "http://127.0.0.1:8080/soap.asmx",
		"http://localhost/openapi/8":               "http://localhost/openapi/8",
		"http://[::1]:9/x":                         "http://[::1]:9/x",
		" http://127.8.9.10/ ":                     "http://127.8.9.10/",
	}
	for in, want := range good {
		u, err := Check(in)
		if err != nil || u.String() != want {
			t.Errorf("Check(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, in := range []string{
		"http://example.com/soap.asmx", "http://10.0.0.1/x", "http://127.0.0.1.example.com/", "ftp://127.0.0.1/",
		"https://user:pw@example.com/", "https:///nohost", "not a url at all", "https://example.com:99999/", "://", "",
	} {
		if _, err := Check(in); !errors.Is(err, ErrRefused) {
			t.Errorf("Check(%q) = %v, want ErrRefused", in, err)
		}
	}
}

func TestCheckBase(t *testing.T) {
	for raw, want := range map[string]string{
		"https://www.out-smart.com/openapi/8/": "https://www.out-smart.com/openapi/8",
		" HTTPS://api.e-boekhouden.nl ":        "https://api.e-boekhouden.nl",
		"http://127.0.0.1:8080/openapi/8//":    "http://127.0.0.1:8080/openapi/8",
	} {
		u, err := CheckBase(raw)
		if err != nil || u.String() != want {
			t.Errorf("CheckBase(%q) = %v, %v; want %s", raw, u, err, want)
		}
	}
	for _, raw := range []string{
		"https://api.e-boekhouden.nl/?token=x", "https://api.e-boekhouden.nl/?", "https://api.e-boekhouden.nl/#frag",
		"http://example.com/api", "https://user:pw@api.e-boekhouden.nl",
	} {
		if u, err := CheckBase(raw); err == nil {
			t.Errorf("CheckBase(%q) = %v, want it refused", raw, u)
		}
	}
}
