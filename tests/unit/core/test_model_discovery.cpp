// Finding gpt-oss models other apps downloaded, on fake LM Studio, Ollama, llama.cpp and Hugging
// Face trees in a temporary HOME: gpt-oss GGUF files are listed with their store, name, file and
// size; other architectures, later parts of split files, broken manifests and files that are not
// GGUF are not.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

#include "app/core/model_discovery.h"
#include "engine/io/gguf_writer.h"

using namespace ponder;
namespace fs = std::filesystem;

namespace {

// A GGUF header saying `architecture` plus `padding` bytes, so sizes can be told apart.
void write_gguf(const fs::path& path, const std::string& architecture, std::size_t padding = 0) {
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    const std::string header =
        gguf_header_bytes({gguf_string("general.architecture", architecture)}, {});
    out << header << std::string(padding, '\0');
}

void write_text(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string manifest(const std::string& digest) {
    return R"({"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.license",)"
           R"("digest":"sha256:)" +
           std::string(64, '0') +
           R"("},{"mediaType":)"
           R"("application/vnd.ollama.image.model","digest":"sha256:)" +
           digest + R"("}]})";
}

}  // namespace

class TestModelDiscovery : public QObject {
    Q_OBJECT
  private slots:
    void findsGgufFilesOfEveryStore() {
        QTemporaryDir tmp;
        const fs::path home = tmp.path().toStdString();
        for (const char* variable : {"HF_HUB_CACHE", "HF_HOME", "OLLAMA_MODELS", "LLAMA_CACHE"})
            qunsetenv(variable);
        qputenv("HOME", tmp.path().toUtf8());

        // LM Studio: publisher/repo/file.gguf; a split file's later part and a llama are skipped.
        const fs::path lms = home / ".lmstudio/models/lmstudio-community/gpt-oss-20b-GGUF";
        write_gguf(lms / "gpt-oss-20b-MXFP4.gguf", "gpt-oss", 100);
        write_gguf(lms / "llama-3-8b.gguf", "llama");
        const fs::path split = home / ".lmstudio/models/lmstudio-community/gpt-oss-120b-GGUF";
        write_gguf(split / "gpt-oss-120b-MXFP4-00001-of-00002.gguf", "gpt-oss", 10);
        write_gguf(split / "gpt-oss-120b-MXFP4-00002-of-00002.gguf", "gpt-oss", 20);
        write_text(lms / "notes.gguf", "not a gguf file");

        // Ollama: the manifest names the blob; a broken manifest and a missing blob are skipped.
        const std::string digest(64, 'a');
        const fs::path ollama = home / ".ollama/models";
        write_gguf(ollama / "blobs" / ("sha256-" + digest), "gptoss", 7);
        write_text(ollama / "manifests/registry.ollama.ai/library/gpt-oss/20b", manifest(digest));
        write_text(ollama / "manifests/example.com/someone/gpt-oss/latest", manifest(digest));
        write_text(ollama / "manifests/registry.ollama.ai/library/broken/1", "{not json");
        write_text(ollama / "manifests/registry.ollama.ai/library/gone/1",
                   manifest(std::string(64, 'b')));

        // llama.cpp's download cache and a Hugging Face cache snapshot (a link into blobs/).
        write_gguf(home / ".cache/llama.cpp/ggml-org_gpt-oss-20b-GGUF_gpt-oss-20b-mxfp4.gguf",
                   "gpt-oss");
        const fs::path repo = home / ".cache/huggingface/hub/models--ggml-org--gpt-oss-20b-GGUF";
        write_gguf(repo / "blobs/0123abcd", "gpt-oss", 3);
        fs::create_directories(repo / "snapshots/rev1");
        fs::create_symlink(repo / "blobs/0123abcd", repo / "snapshots/rev1/gpt-oss-20b-mxfp4.gguf");

        const std::vector<core::FoundGguf> found = core::find_gguf_models();
        QStringList listed;
        for (const core::FoundGguf& model : found) {
            listed.append(QString::fromStdString(model.store + " | " + model.name));
            QVERIFY(fs::is_regular_file(model.file));
        }
        const QStringList expected = {
            "Hugging Face | ggml-org/gpt-oss-20b-GGUF/gpt-oss-20b-mxfp4.gguf",
            "LM Studio | "
            "lmstudio-community/gpt-oss-120b-GGUF/gpt-oss-120b-MXFP4-00001-of-00002.gguf",
            "LM Studio | lmstudio-community/gpt-oss-20b-GGUF/gpt-oss-20b-MXFP4.gguf",
            "Ollama | example.com/someone/gpt-oss:latest",
            "Ollama | gpt-oss:20b",
            "llama.cpp | ggml-org_gpt-oss-20b-GGUF_gpt-oss-20b-mxfp4.gguf",
        };
        QCOMPARE(listed, expected);
        const std::uint64_t header =
            gguf_header_bytes({gguf_string("general.architecture", "gpt-oss")}, {}).size();
        QCOMPARE(found[2].bytes, header + 100);
        QCOMPARE(found[1].bytes, 2 * header + 30);  // both parts of the split file
        QCOMPARE(found[4].file, ollama / "blobs" / ("sha256-" + digest));

        // OLLAMA_MODELS moves Ollama's store; an empty HOME finds nothing.
        qputenv("OLLAMA_MODELS", (tmp.path() + "/elsewhere").toUtf8());
        QCOMPARE(core::find_gguf_models().size(), found.size() - 2);
        QTemporaryDir empty;
        qputenv("HOME", empty.path().toUtf8());
        qunsetenv("OLLAMA_MODELS");
        QVERIFY(core::find_gguf_models().empty());
    }
};

QTEST_APPLESS_MAIN(TestModelDiscovery)
#include "test_model_discovery.moc"
