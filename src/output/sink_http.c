/* sink_http.c - the HTTP sink: one POST per alert with libcurl (see sink.h).
 * The body is the alert line, Falco's JSON (Content-Type: application/json) or the text line
 * (text/plain).  One easy handle is made at open and reused for every alert, so with
 * keep_alive the connection stays open between alerts.  Each request is bounded by
 * http_timeout_ms and ends early when the sink is stopped (the transfer callback watches the
 * stop fd); an answer outside 2xx counts as a failure.  Only http and https are allowed and
 * redirects are not followed: the URL is the operator's, an answer must not redirect alerts
 * elsewhere.  Runs on the sink's writer thread only, after open on the loop thread. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "output/sink.h"

struct http {
	CURL *curl;
	struct curl_slist *headers;
	char errbuf[CURL_ERROR_SIZE];
};

/* libcurl's global setup must run once before any handle and before threads use it; this
 * file-local once-flag is the only state it needs. */
static pthread_once_t http_once = PTHREAD_ONCE_INIT;
static CURLcode http_global_rc;

static void
http_global_init(void)
{
	http_global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The response body is not needed; swallow it (libcurl would print it on stdout). */
static size_t
http_discard(char *data, size_t size, size_t n, void *arg)
{
	return size * n;
}

/* Called by libcurl during a transfer: a non-zero return aborts it. */
static int
http_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
              curl_off_t ulnow)
{
	return sink_stopped(arg) ? 1 : 0;
}

static bool
http_set_tls(CURL *c, const struct output_config *cfg)
{
	bool ok = true;

	if (cfg->http_insecure) {
		ok &= curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L) == CURLE_OK;
		ok &= curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK;
	}
	if (cfg->http_ca_cert && cfg->http_ca_cert[0])
		ok &= curl_easy_setopt(c, CURLOPT_CAINFO, cfg->http_ca_cert) == CURLE_OK;
	if (cfg->http_ca_path && cfg->http_ca_path[0])
		ok &= curl_easy_setopt(c, CURLOPT_CAPATH, cfg->http_ca_path) == CURLE_OK;
	return ok;
}

/* Every option of the handle; libcurl copies the strings.  False if one is refused. */
static bool
http_setup(struct http *h, const struct output_config *cfg)
{
	CURL *c = h->curl;
	long ms = cfg->http_timeout_ms > 0 ? cfg->http_timeout_ms : OUTPUT_HTTP_TIMEOUT_MS;
	const char *ua = cfg->http_user_agent && cfg->http_user_agent[0] ?
	    cfg->http_user_agent : "shikra/" PACKAGE_VERSION;
	bool ok = true;

	ok &= curl_easy_setopt(c, CURLOPT_URL, cfg->http_url) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_USERAGENT, ua) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_POST, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
#if LIBCURL_VERSION_NUM >= 0x075500
	ok &= curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
#else
	ok &= curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS)) ==
	    CURLE_OK;
#endif
	ok &= curl_easy_setopt(c, CURLOPT_FORBID_REUSE, cfg->http_keep_alive ? 0L : 1L) ==
	    CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_discard) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, http_progress) == CURLE_OK;
	ok &= curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
	return ok && http_set_tls(c, cfg);
}

static void
http_close(struct sink *s)
{
	struct http *h = s->priv;

	if (h == NULL)
		return;
	curl_easy_cleanup(h->curl);
	curl_slist_free_all(h->headers);
	free(h);
	s->priv = NULL;
}

static int
http_open(struct sink *s, const struct output_config *cfg)
{
	struct http *h;
	struct curl_slist *l;

	if (cfg->http_url == NULL || cfg->http_url[0] == '\0')
		return -EINVAL;
	pthread_once(&http_once, http_global_init);
	if (http_global_rc != CURLE_OK)
		return -EIO;
	/* OpenSSL may write to a peer that closed: that must fail the request, not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -ENOMEM;
	s->priv = h;
	h->curl = curl_easy_init();
	l = curl_slist_append(NULL, cfg->json_output ? "Content-Type: application/json" :
	                      "Content-Type: text/plain; charset=utf-8");
	/* No "Expect: 100-continue" round trip before larger bodies. */
	h->headers = l ? curl_slist_append(l, "Expect:") : NULL;
	if (h->headers == NULL)
		curl_slist_free_all(l);
	if (h->curl == NULL || h->headers == NULL)
		return -ENOMEM;		/* the caller closes the sink */
	return http_setup(h, cfg) ? 0 : -EINVAL;
}

static int
http_write(struct sink *s, const char *line, size_t len, enum priority p)
{
	struct http *h = s->priv;
	long status = 0;
	CURLcode rc;

	/* The sink moved into its queue after open: point the callback at it here. */
	curl_easy_setopt(h->curl, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, line);
	curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	h->errbuf[0] = '\0';
	rc = curl_easy_perform(h->curl);
	if (rc != CURLE_OK) {
		snprintf(s->err, sizeof(s->err), "%s",
		         h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
		return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT :
		    rc == CURLE_ABORTED_BY_CALLBACK ? -ECANCELED : -EIO;
	}
	curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		snprintf(s->err, sizeof(s->err), "HTTP status %ld", status);
		return -EIO;
	}
	return 0;
}

const struct sink_ops sink_http_ops = {
	.name = "http", .open = http_open, .write = http_write, .close = http_close,
};
