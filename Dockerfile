# ragd's image: built with the Maven wrapper on a JDK, run on a minimal base with a jlink-ed Java
# runtime, the sample index baked in read-only, native libraries unpacked at build time and a JDK
# AOT cache recorded by a training run, so that a container starts warm.
#
#   podman build -t ragd .            (or docker build; --build-arg CORPUS=dir bakes another corpus)
#   podman run --read-only --tmpfs /tmp -p 8000:8000 --env-file .env ragd
#
# Base images: pinned here; on a machine without a registry, scripts/base-images.sh builds local
# stand-ins under these names from Debian packages. Pin by digest in your own registry.
ARG JDK_IMAGE=docker.io/library/eclipse-temurin:25.0.3_9-jdk
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
COPY loadtest/locustfile.py loadtest/
COPY bench/questions.jsonl bench/
COPY deploy/nginx/ragd.conf deploy/nginx/
# -Plinux: only Linux natives in the jar. The Maven cache is a build cache, never a layer.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -Plinux -DskipTests package \
    && mkdir -p /opt/ragd && cp target/ragd.jar /opt/ragd/ragd.jar

# The runtime holds only the modules ragd uses (jdeps), plus those it reaches by reflection or
# service lookup: signals and Netty (jdk.unsupported), process metrics (jdk.management), the
# Vector API for Lucene, TLS cipher suites, DNS. Headless: the X11 and splash-screen libraries go
# (they link against libraries the runtime image does not have). The native libraries lose their
# symbol tables (not their dynamic symbols): a crash report names fewer functions, the image is smaller.
RUN modules=$(jdeps --ignore-missing-deps -q --multi-release 25 --print-module-deps /opt/ragd/ragd.jar) \
    && jlink --add-modules "$modules,jdk.unsupported,jdk.management,jdk.incubator.vector,jdk.crypto.cryptoki,jdk.naming.dns,jdk.charsets,jdk.zipfs" \
       --strip-java-debug-attributes --no-man-pages --no-header-files --compress=zip-9 \
       --exclude-files='**/libawt_xawt.so,**/libsplashscreen.so,**/libjawt.so' --output /opt/jre \
    && strip --strip-unneeded /opt/jre/lib/*.so /opt/jre/lib/server/*.so

# Native libraries unpacked once, here, into fixed read-only folders, and taken out of the jar, so
# nothing is extracted at start: the ONNX runtime (onnxruntime.native.path), Netty's epoll
# (java.library.path, which Netty tries first), the tokenizer (DJL's cache layout, which DJL finds
# before it would extract). x86-64 only; SQLite (used only by `ragd logs` tools) stays in the jar.
RUN mkdir -p /tmp/x /opt/ragd/native && cd /tmp/x && jar xf /opt/ragd/ragd.jar \
    && cp ai/onnxruntime/native/linux-x64/*.so META-INF/native/libnetty_transport_native_epoll_x86_64.so /opt/ragd/native/ \
    && v=$(sed -n 's/^version=//p' native/lib/tokenizers.properties) \
    && mkdir -p "/opt/ragd/djl/tokenizers/$v-cpu-linux-x86_64" \
    && cp native/lib/linux-x86_64/cpu/libtokenizers.so "/opt/ragd/djl/tokenizers/$v-cpu-linux-x86_64/" \
    && strip --strip-unneeded /opt/ragd/native/*.so /opt/ragd/djl/tokenizers/*/*.so \
    && rm -rf ai/onnxruntime/native native/lib/linux-* META-INF/native org/sqlite/native/Linux/aarch64 \
       org/sqlite/native/Linux-Musl \
    && mv META-INF/MANIFEST.MF /tmp/MANIFEST.MF \
    && jar --create --file /opt/ragd/ragd.jar --manifest /tmp/MANIFEST.MF -C /tmp/x . && rm -rf /tmp/x

# The same flags at training and at run time: the AOT cache is only used by the JVM and class path
# that recorded it.
ENV RAGD_JAVA="/opt/jre/bin/java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData \
    --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
    -Donnxruntime.native.path=/opt/ragd/native -Djava.library.path=/opt/ragd/native -Dio.netty.native.workdir=/opt/ragd/native \
    -DDJL_CACHE_DIR=/opt/ragd/djl -Djava.io.tmpdir=/tmp"

# The baked index (the sample corpus, or --build-arg CORPUS=<folder in the build context>), and the
# training run: ragd starts, drives its own request path with synthetic chats for RAGD_WARMUP_MS
# (no model call), turns ready and stops; the JVM writes the AOT cache (class loading and linking,
# method profiles) as it exits.
ARG CORPUS=
RUN --mount=type=bind,target=/ctx mkdir -p /opt/ragd/data && cd /opt/ragd \
    && if [ -n "$CORPUS" ]; then \
         RAGD_DATA_DIR=/opt/ragd/data $RAGD_JAVA -jar /opt/ragd/ragd.jar ingest "/ctx/$CORPUS"; fi \
    && RAGD_DATA_DIR=/opt/ragd/data RAGD_CHATLOG=none RAGD_WARMUP_MS=30000 RAGD_HOST=127.0.0.1 PORT=0 \
       $RAGD_JAVA -XX:AOTCacheOutput=/opt/ragd/ragd.aot -jar /opt/ragd/ragd.jar serve --exit-when-ready \
    && rm -rf /opt/ragd/data/chatlog && ls -l /opt/ragd/ragd.aot

FROM ${RUNTIME_IMAGE}
COPY --from=build /opt/jre /opt/jre
COPY --from=build /opt/ragd /opt/ragd
# Stateless: the index is only read; chat logs go to PostgreSQL or Cosmos DB (RAGD_CHATLOG). The
# default, none, lets `docker run` answer at once with nothing recorded: set RAGD_CHATLOG for real use.
ENV RAGD_STATELESS=true \
    RAGD_DATA_DIR=/opt/ragd/data \
    RAGD_INDEX_DIR=/opt/ragd/data/index \
    RAGD_CHATLOG=none \
    RAGD_LOG_FORMAT=json \
    PORT=8000
USER 65532:65532
WORKDIR /tmp
EXPOSE 8000
ENTRYPOINT ["/opt/jre/bin/java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
    "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", \
    "-Donnxruntime.native.path=/opt/ragd/native", "-Djava.library.path=/opt/ragd/native", \
    "-Dio.netty.native.workdir=/opt/ragd/native", "-DDJL_CACHE_DIR=/opt/ragd/djl", "-Djava.io.tmpdir=/tmp", \
    "-XX:AOTCache=/opt/ragd/ragd.aot", "-jar", "/opt/ragd/ragd.jar"]
CMD ["serve"]
