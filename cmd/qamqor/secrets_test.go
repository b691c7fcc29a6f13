package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/qamqor/qamqor/internal/fakebotapi"
)

// qamqorFor runs qamqor like qamqor does, but stops it after timeout: with some malformed
// secrets the old code never stopped trying.
func qamqorFor(t *testing.T, timeout time.Duration, env []string, args ...string) (result, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "QAMQOR_TEST_RUN_MAIN=1", "REDIS_URL=", "REDIS_ADDRS=", "REDIS_SENTINEL_MASTER=", "REDIS_PASSWORD=",
		"CONTENT_DIR=", "LOG_FORMAT=", "LOG_LEVEL=debug", "SESSION_TTL=", "DATA_KEY=", "ADMIN_IDS=", "TELEGRAM_BOT_TOKEN=",
		"WEBHOOK_URL=", "WEBHOOK_SECRET=", "HTTP_ADDR=127.0.0.1:0")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = strings.NewReader("")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}, ctx.Err() == nil
}

// leaks returns the pieces of secret that output shows: the whole of it, or any four
// characters in a row of it.
func leaks(output, secret string) []string {
	var found []string
	if strings.Contains(output, secret) {
		return []string{secret}
	}
	for i := 0; i+4 <= len(secret); i++ {
		if piece := secret[i : i+4]; strings.Contains(output, piece) {
			found = append(found, piece)
		}
	}
	return found
}

func TestNoSecretIsPrintedAtStartUpWhateverItsForm(t *testing.T) {
	api := fakebotapi.Start(t)
	telegram := []string{"TELEGRAM_API_URL=" + api.URL}
	token := "TELEGRAM_BOT_TOKEN=" + api.Token
	for _, tc := range []struct {
		name   string
		env    []string
		secret string // what must not be seen, nor any four characters of it
		cmd    string
		want   string // what the message says instead
	}{
		// REDIS_URL: the password in every place a parser stops at.
		{"a bad %-escape in the password", []string{"REDIS_URL=redis://:Qz7%zzWx9k@127.0.0.1:1/0"}, "Qz7%zzWx9k", "chat", "a % not followed by two hexadecimal digits"},
		{"a / in the password", []string{"REDIS_URL=redis://:Qz7/Wx9kVb@127.0.0.1:1/0"}, "Qz7/Wx9kVb", "chat", "REDIS_URL is not a Redis URL"},
		{"a ? in the password", []string{"REDIS_URL=redis://:Qz7?Wx9kVb@127.0.0.1:1/0"}, "Qz7?Wx9kVb", "chat", "REDIS_URL is not a Redis URL"},
		{"a # in the password", []string{"REDIS_URL=redis://:Qz7#Wx9kVb@127.0.0.1:1/0"}, "Qz7#Wx9kVb", "chat", "REDIS_URL is not a Redis URL"},
		{"a tab in the password", []string{"REDIS_URL=redis://:Qz7\tWx9kVb@127.0.0.1:1/0"}, "Qz7\tWx9kVb", "chat", "control character"},
		{"a space in the host", []string{"REDIS_URL=redis://:Qz7Wx9kVb@local host:1/0"}, "Qz7Wx9kVb", "chat", "host name"},
		{"no scheme", []string{"REDIS_URL=:Qz7Wx9kVb@127.0.0.1:1"}, "Qz7Wx9kVb", "chat", "does not start with redis://"},
		{"the wrong scheme", []string{"REDIS_URL=http://:Qz7Wx9kVb@127.0.0.1:1/0"}, "Qz7Wx9kVb", "chat", "does not start with redis://"},
		{"a bad database", []string{"REDIS_URL=redis://:Qz7Wx9kVb@127.0.0.1:1/zero"}, "Qz7Wx9kVb", "chat", "database"},
		{"an unknown option", []string{"REDIS_URL=redis://:Qz7Wx9kVb@127.0.0.1:1/0?Qz7Wx9kVb=1"}, "Qz7Wx9kVb", "chat", "option"},
		{"Redis not there", []string{"REDIS_URL=redis://user:Qz7Wx9kVb@127.0.0.1:1/0"}, "Qz7Wx9kVb", "chat", "redis is not reachable"},
		// REDIS_PASSWORD, alone or with servers that are not there.
		{"REDIS_PASSWORD without REDIS_ADDRS", []string{"REDIS_PASSWORD=Qz7Wx9kVb"}, "Qz7Wx9kVb", "chat", "REDIS_PASSWORD goes with REDIS_ADDRS"},
		{"REDIS_PASSWORD, Redis not there", []string{"REDIS_PASSWORD=Qz7Wx9kVb", "REDIS_ADDRS=127.0.0.1:1"}, "Qz7Wx9kVb", "chat", "redis"},
		{"a password in REDIS_ADDRS", []string{"REDIS_ADDRS=redis://:Qz7Wx9kVb@127.0.0.1"}, "Qz7Wx9kVb", "chat", "the password goes in REDIS_PASSWORD"},
		// TELEGRAM_BOT_TOKEN with what is easily copied along with it.
		{"a space in the token", append([]string{"TELEGRAM_BOT_TOKEN=123:Qz7 Wx9kVb"}, telegram...), "Qz7 Wx9kVb", "serve", "TELEGRAM_BOT_TOKEN is not a bot token"},
		{"a line break after the token", append([]string{"TELEGRAM_BOT_TOKEN=123:Qz7Wx9kVb\n"}, telegram...), "Qz7Wx9kVb", "serve", "TELEGRAM_BOT_TOKEN is not a bot token"},
		{"a tab in the token", append([]string{"TELEGRAM_BOT_TOKEN=123:Qz7\tWx9kVb"}, telegram...), "Qz7\tWx9kVb", "serve", "TELEGRAM_BOT_TOKEN is not a bot token"},
		{"a quote in the token", append([]string{`TELEGRAM_BOT_TOKEN=123:Qz7"Wx9kVb`}, telegram...), `Qz7"Wx9kVb`, "serve", "TELEGRAM_BOT_TOKEN is not a bot token"},
		{"a % in the token", append([]string{"TELEGRAM_BOT_TOKEN=123:Qz7%zzWx9kVb"}, telegram...), "Qz7%zzWx9kVb", "serve", "TELEGRAM_BOT_TOKEN is not a bot token"},
		{"a token without its id", append([]string{"TELEGRAM_BOT_TOKEN=Qz7Wx9kVbAAH"}, telegram...), "Qz7Wx9kVbAAH", "serve", "TELEGRAM_BOT_TOKEN is not a bot token"},
		{"a token Telegram rejects", append([]string{"TELEGRAM_BOT_TOKEN=123:Qz7Wx9kVb"}, telegram...), "Qz7Wx9kVb", "serve", "Telegram rejected TELEGRAM_BOT_TOKEN"},
		// WEBHOOK_SECRET and DATA_KEY.
		{"a webhook secret Telegram refuses", append([]string{token, "WEBHOOK_URL=https://bot.example.org/hook", "WEBHOOK_SECRET=Qz7 Wx9kVb!"}, telegram...), "Qz7 Wx9kVb!", "serve", "WEBHOOK_SECRET must be set"},
		{"a webhook secret too long", append([]string{token, "WEBHOOK_URL=https://bot.example.org/hook", "WEBHOOK_SECRET=" + strings.Repeat("Qz7Wx9kVb", 30)}, telegram...), strings.Repeat("Qz7Wx9kVb", 30), "serve", "WEBHOOK_SECRET must be set"},
		{"a data key that is not base64", []string{"DATA_KEY=Qz7Wx9kVb!!"}, "Qz7Wx9kVb!!", "chat", "not valid base64"},
		{"a data key too short", []string{"DATA_KEY=UXo3V3g5a1Zi"}, "UXo3V3g5a1Zi", "chat", "got 9 bytes"},
		{"a data key with a space", []string{"DATA_KEY=3q2+7wAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAAAAAAA="}, "3q2+7wAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "chat", "DATA_KEY"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, stopped := qamqorFor(t, 20*time.Second, tc.env, tc.cmd)
			output := r.stdout + r.stderr
			if !stopped {
				t.Errorf("still running after 20s")
			}
			if found := leaks(output, tc.secret); len(found) > 0 {
				t.Errorf("the output shows %q of the secret:\n%s", found, output)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d; the message does not say %q:\n%s", r.code, tc.want, r.stderr)
			}
		})
	}
}

func TestTheStartUpOutputHidesSecretsInEveryEncoding(t *testing.T) {
	env := map[string]string{
		"TELEGRAM_BOT_TOKEN": "123:Tok en\tKq",
		"REDIS_URL":          "redis://user:Pa ss/w%zzd@host:6379/0",
		"DATA_KEY":           "ab", // too short to hide: left alone
	}
	var out bytes.Buffer
	w := secretsWriter(&out, func(name string) string { return env[name] })
	for _, line := range []string{
		`raw: 123:Tok en	Kq`,
		`quoted: "123:Tok en\tKq"`,
		`in a URL: https://api.telegram.org/bot123:Tok%20en%09Kq/getMe`,
		`the password: Pa ss/w%zzd, user:Pa ss/w%zzd`,
		`the password quoted: "redis://user:Pa ss/w%zzd@host:6379/0"`,
		`keep: ab`,
	} {
		fmt.Fprintln(w, line)
	}
	got := out.String()
	for _, secret := range []string{"Tok en", "Tok%20en", `Tok en\tKq`, "Pa ss", "w%zzd"} {
		if strings.Contains(got, secret) {
			t.Errorf("%q is shown:\n%s", secret, got)
		}
	}
	if !strings.Contains(got, "keep: ab") || strings.Count(got, "[redacted]") < 6 {
		t.Errorf("output:\n%s", got)
	}
}
