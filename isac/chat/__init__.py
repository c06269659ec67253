"""The chat widget's brain: sessions, small talk and the dialogue, each in its own module."""

from isac.chat.dialogue import Chat, ChatReply, ChatTurn
from isac.chat.sessions import MemorySessionStore, Session, SessionStore, Turn
from isac.chat.smalltalk import SmallTalk, small_talk

__all__ = ["Chat", "ChatReply", "ChatTurn", "MemorySessionStore", "Session", "SessionStore", "SmallTalk", "Turn",
           "small_talk"]
