#include "adapters/smtp/smtp_transport.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "adapters/smtp/mime_message.h"

namespace ledger::smtp {
namespace {

using jobs::kinds::MailReply;
using jobs::kinds::OutgoingMail;
using jobs::kinds::RedactAddressesIn;

// libcurl's global state is set up once, before the first handle; curl_global_init itself is
// not thread-safe.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
  std::string_view bytes;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, upload->bytes.size() - upload->offset);
  std::memcpy(buffer, upload->bytes.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// Keeps the server's last reply line, for the reply's detail: libcurl reports the code but
// not the words. Outgoing lines (which name addresses) are never kept.
int KeepServerReply(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string line(data, size);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (!line.empty()) *static_cast<std::string*>(user) = std::move(line);
  return 0;
}

struct CurlHandle {
  CURL* curl = curl_easy_init();
  curl_slist* recipients = nullptr;
  ~CurlHandle() {
    curl_slist_free_all(recipients);
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

bool HasScheme(const std::string& url, std::string_view scheme) {
  return url.compare(0, scheme.size(), scheme) == 0;
}

std::optional<std::chrono::milliseconds> Millis(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(*text, &used);
  } catch (const std::exception&) {
    return std::chrono::milliseconds(-1);
  }
  if (used != text->size() || value <= 0) return std::chrono::milliseconds(-1);
  return std::chrono::milliseconds(value);
}

}  // namespace

Result<SmtpOptions> SmtpOptionsFrom(
    const std::function<std::optional<std::string>(const std::string&)>& get_env) {
  SmtpOptions o;
  o.url = get_env("LEDGER_SMTP_URL").value_or("");
  if (o.url.empty()) return InvalidArgument("LEDGER_SMTP_URL is not set");
  o.from_address = get_env("LEDGER_SMTP_FROM").value_or("");
  if (o.from_address.empty()) return InvalidArgument("LEDGER_SMTP_FROM is not set");
  o.from_name = get_env("LEDGER_SMTP_FROM_NAME").value_or("");
  o.username = get_env("LEDGER_SMTP_USERNAME").value_or("");
  o.password = get_env("LEDGER_SMTP_PASSWORD").value_or("");
  o.require_starttls = get_env("LEDGER_SMTP_STARTTLS").value_or("") == "1";
  if (auto timeout = Millis(get_env("LEDGER_SMTP_TIMEOUT_MS"))) {
    if (timeout->count() <= 0) {
      return InvalidArgument("LEDGER_SMTP_TIMEOUT_MS must be a positive number");
    }
    o.timeout = *timeout;
  }
  return o;
}

Result<std::unique_ptr<SmtpTransport>> SmtpTransport::Create(SmtpOptions options, Clock* clock) {
  if (!HasScheme(options.url, "smtp://") && !HasScheme(options.url, "smtps://")) {
    return InvalidArgument("LEDGER_SMTP_URL must be smtp://host:port or smtps://host:port");
  }
  if (options.from_address.find('@') == std::string::npos ||
      options.from_address.find_first_of("\r\n<> ") != std::string::npos) {
    return InvalidArgument("LEDGER_SMTP_FROM is not an address");
  }
  InitCurlOnce();
  return std::unique_ptr<SmtpTransport>(new SmtpTransport(std::move(options), clock));
}

SmtpTransport::SmtpTransport(SmtpOptions options, Clock* clock)
    : options_(std::move(options)), clock_(clock) {}

Result<MailReply> SmtpTransport::Send(const OutgoingMail& mail) {
  if (mail.to.empty() || mail.to.find_first_of("\r\n<> ") != std::string::npos) {
    // Not even redacted: the text may hold line breaks meant for a header injection.
    return InvalidArgument(
        "the recipient address is empty or holds a line break, a space or angle brackets");
  }
  std::string from_header = options_.from_name.empty() ? options_.from_address
                                                       : EncodeHeaderText(options_.from_name) +
                                                             " <" + options_.from_address + ">";
  LEDGER_ASSIGN_OR_RETURN(std::string message, BuildMimeMessage(from_header, mail, clock_->Now()));

  CurlHandle handle;
  if (handle.curl == nullptr) return Unavailable("libcurl could not make a handle");
  CURL* curl = handle.curl;
  std::string envelope_from = "<" + options_.from_address + ">";
  handle.recipients = curl_slist_append(nullptr, ("<" + mail.to + ">").c_str());
  Upload upload{message};
  std::string last_reply;
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, envelope_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, handle.recipients);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // feeds KeepServerReply; prints nothing
  curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, KeepServerReply);
  curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &last_reply);
  if (options_.require_starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  if (!options_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }

  CURLcode sent = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  std::string detail = RedactAddressesIn(last_reply);
  if (sent == CURLE_OK) return MailReply{static_cast<int>(code), mail.message_id, detail};
  if (code >= 400) {
    // The server refused the message (at MAIL, RCPT or after DATA): its code decides.
    return MailReply{static_cast<int>(code), mail.message_id, detail};
  }
  std::string why = error[0] != '\0' ? error : curl_easy_strerror(sent);
  return Unavailable("SMTP: " + RedactAddressesIn(why));
}

}  // namespace ledger::smtp
