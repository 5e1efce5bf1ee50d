/**
 * Test fixtures shared by the tests of more than one package: {@link dev.ragd.testsupport.Await}
 * (polling until a condition holds), {@link dev.ragd.testsupport.WsSession} (a WebSocket chat
 * client), the fakes and stand-ins ({@link dev.ragd.testsupport.FakeGenerator},
 * {@link dev.ragd.testsupport.FakeRetriever}, {@link dev.ragd.testsupport.InMemoryChatLog},
 * {@link dev.ragd.testsupport.FakeCosmos} over {@link dev.ragd.testsupport.FakeCosmosGateway},
 * {@link dev.ragd.testsupport.OpenAiTestServer}, {@link dev.ragd.testsupport.TestEmbedders}), real
 * servers run for a test ({@link dev.ragd.testsupport.RedisServer}, the OIDC issuer
 * {@link dev.ragd.testsupport.TestIssuer}), test
 * data ({@link dev.ragd.testsupport.ChatRecords}, {@link dev.ragd.testsupport.HostileCorpus}), log capture
 * ({@link dev.ragd.testsupport.RecordedLog}) and the ways to run the whole app
 * ({@link dev.ragd.testsupport.RunningApp} in this JVM, shared per test class by
 * {@link dev.ragd.testsupport.SharedApp}; {@link dev.ragd.testsupport.ServeProcess} as a child
 * process). Fixtures used by one package only, or that need package-private access to main code,
 * stay next to their tests.
 */
package dev.ragd.testsupport;
